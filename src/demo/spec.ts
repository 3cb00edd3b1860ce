import { join } from 'node:path';

/** Where the demo archive lives: the default TRAIL_LOGS_DIR, so `trail` finds it without flags. */
export const DEMO_DIR = join('demo-data', 'cloudtrail');

/** The demo archive: five days of two regions of one account, in the S3 layout. */
export const DEMO_SPEC = {
  dir: DEMO_DIR,
  seed: 20261102,
  start: new Date('2026-11-02T00:00:00Z'),
  days: 5,
  accounts: ['111122223333'],
  regions: ['us-east-1', 'eu-west-1'],
  fileMinutes: 60,
  eventsPerFile: 20,
};
