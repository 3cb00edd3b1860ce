#!/usr/bin/env node
// The `trail` bin: the terminal front, compiled (`npm run build`, or the published package).
import { enableCompileCache } from 'node:module';

// V8's compiled code kept on disk between runs: a second `trail` starts in about half the time.
enableCompileCache?.();
let cli;
try {
  cli = await import('../dist/cli.js');
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist/cli.js')) throw err;
  process.stderr.write(
    'trail: not built yet. Run `npm run build` first (or `npm run trail -- …` from a clone).\n',
  );
  process.exit(1);
}
process.exitCode = await cli.runCli(process.argv.slice(2), process.env);
