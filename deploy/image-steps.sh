#!/usr/bin/env bash
# The Dockerfile's steps, outside Docker (no Docker engine runs on the CI machines): a clean folder with
# the build context (.dockerignore applied), `npm ci`, `npm run build`, `npm prune --omit=dev`, then the
# runtime stage's files alone in a second folder, started as the image starts it, until /readyz answers
# 200; then SIGTERM, which must end it with exit 0. The image itself is not built here.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# Build stage: the context without what .dockerignore keeps out.
mkdir -p "$work/build" "$work/run" "$work/state"
tar -C "$root" --exclude-from="$root/.dockerignore" --exclude=.dockerignore -cf - . | tar -C "$work/build" -xf -
[ ! -e "$work/build/test" ] && [ ! -e "$work/build/bench" ] || { echo "image-steps: tests or benches in the context"; exit 1; }
cd "$work/build"
npm ci --no-audit --no-fund --silent
npm run build --silent
npm prune --omit=dev --no-audit --no-fund --silent
[ ! -e node_modules/esbuild ] && [ ! -e node_modules/vitest ] || { echo "image-steps: dev dependencies left after prune"; exit 1; }

# Runtime stage: only the files the Dockerfile copies.
mkdir -p "$work/run/bin"
cp -r package.json node_modules dist "$work/run/"
cp bin/trail.js "$work/run/bin/"
cd "$work/run"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
NODE_ENV=production PORT="$port" HOST=127.0.0.1 TRAIL_STORE_PATH="$work/state/trailbot.db" \
  TRAIL_GEOIP_CACHE_DIR="$work/state/geo-cache" \
  SLACK_BOT_TOKEN=xoxb-image-steps SLACK_SIGNING_SECRET=image-steps LOG_LEVEL=warn \
  node --max-semi-space-size=4 dist/main.js &
pid=$!
for _ in $(seq 1 60); do
  if node -e "fetch('http://127.0.0.1:$port/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; then
    echo "image-steps: /readyz answered 200 on port $port"
    kill -TERM "$pid"
    status=0; wait "$pid" || status=$?
    pid=""
    [ "$status" -eq 0 ] || { echo "image-steps: exit $status after SIGTERM, expected 0"; exit 1; }
    echo "image-steps: stopped cleanly on SIGTERM"
    exit 0
  fi
  sleep 0.5
done
echo "image-steps: /readyz never answered"
exit 1
