import type { Snapshot } from './digest.js';

/** The digests' snapshots of hygiene and posture findings, which the next digest diffs against. */
export interface HygieneRuns {
  saveSnapshot(s: Snapshot): Promise<void>;
  /** The newest `limit` snapshots, newest first. */
  snapshots(limit: number): Promise<Snapshot[]>;
}
