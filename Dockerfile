# syntax=docker/dockerfile:1
# Trailbot's image: built with dev dependencies, run with production ones only, as a non-root user.
# deploy/image-steps.sh performs these same steps outside Docker (CI has no Docker engine).
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE}
# The shipped IP network data is compiled once into the volume (docs/geo.md), not at every start.
ENV NODE_ENV=production \
    PORT=3000 \
    TRAIL_STORE_PATH=/var/lib/trailbot/trailbot.db \
    TRAIL_GEOIP_CACHE_DIR=/var/lib/trailbot/geo-cache
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin/trail.js ./bin/trail.js
RUN mkdir -p /var/lib/trailbot && chown node:node /var/lib/trailbot
USER node
VOLUME ["/var/lib/trailbot"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and gets SIGTERM itself (it drains the outbox and closes the store).
CMD ["node", "--max-semi-space-size=4", "dist/main.js"]
