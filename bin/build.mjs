#!/usr/bin/env node
// `npm run build`: the runtime entry points bundled with esbuild into dist/ — the terminal (dist/cli.js),
// the bot (dist/main.js) — so a start reads a few files instead of hundreds of modules (`trail help`
// ≈ 2× faster, bench/cli-start.ts). Code loaded on demand (the AWS SDK, Bolt, charts) stays in chunks of
// its own, read only when a subcommand needs it. Native binaries stay in node_modules: DuckDB's JS API is
// bundled (one chunk instead of ~180 modules, ~30 ms of a question over the index), its bindings are not.
// `node bin/build.mjs --bench` also builds the bot with its stand-ins for the process tests and benches.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const bench = process.argv.includes('--bench');
// Chunks are named by content: without a clean start, every build leaves the last one's beside it (and
// `npm pack` would ship them). The bench build comes after this one and adds to it.
if (!bench) rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: bench
    ? { 'bench/alert-server': 'test/fixtures/alert-server.ts' }
    : ['src/cli.ts', 'src/main.ts', 'src/lambda.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  sourcemap: true,
  // Maps for debugging (NODE_OPTIONS=--enable-source-maps): mappings only, the sources are in the
  // package. They are not on by default: with them the bot holds ~50 MB more (docs/benchmarks.md).
  sourcesContent: false,
  external: ['@duckdb/node-bindings', '@resvg/resvg-js'],
  // Bundled CommonJS packages call require(): give the ESM output one.
  banner: {
    js: "import { createRequire as __trailRequire } from 'node:module'; const require = __trailRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
