import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The IP databases compiled once before the test processes start (test/global-setup.ts).
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // DuckDB and real servers: separate processes keep native state and ports apart.
    pool: 'forks',
    // No test may reach the EC2 instance metadata service (the SDK's last credential provider): this
    // machine has no network, and a test's AWS calls go to stand-ins with their own credentials.
    // The IP databases compiled on first use are cached inside the checkout (node_modules/.cache), not
    // in the home directory.
    env: {
      AWS_EC2_METADATA_DISABLED: 'true',
      XDG_CACHE_HOME: resolve(import.meta.dirname, 'node_modules/.cache'),
    },
    // .ci/run asks for a JSON report to print its summary line; a plain run shows the default reporter.
    reporters: process.env.VITEST_JSON_REPORT ? ['default', 'json'] : ['default'],
    outputFile: process.env.VITEST_JSON_REPORT ? { json: process.env.VITEST_JSON_REPORT } : {},
  },
});
