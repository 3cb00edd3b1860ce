import type { CommandDeps } from '../deps.js';
import {
  buildDigest,
  carryForward,
  type Digest,
  postureSnapshot,
  type Snapshot,
  type SnapshotFinding,
  snapshotOf,
} from '../hygiene/digest.js';
import { checkAll, type HygieneDeps } from '../hygiene/run.js';
import type { HygieneResult } from '../hygiene/service.js';
import { type PostureDeps, postureOf } from '../posture/run.js';

/** What the digest is handed: the hygiene and posture clients, and the store's runs and mutes. */
export type DigestDeps = HygieneDeps & PostureDeps & Pick<CommandDeps, 'store'>;

/** A digest ready to show, and the snapshot to keep once it is out. */
export interface AssembledDigest {
  result: HygieneResult;
  snapshot: Snapshot;
  digest: Digest;
}

/**
 * The digest of a hygiene run: the trail's posture joined in (unless asked not to: a report file read
 * offline), findings of accounts without a report this week carried forward, then diffed against the
 * kept snapshots under the live mutes. Nothing is kept here: the caller keeps the snapshot once the
 * digest is out.
 */
export async function assembleDigest(
  deps: DigestDeps,
  result: HygieneResult,
  opts: { posture: boolean },
): Promise<AssembledDigest> {
  const posture = opts.posture
    ? await postureOf(deps).catch((err: Error) => ({ error: err.message }))
    : undefined;
  const runs = deps.store().hygieneRuns;
  const snapshot = carryForward(
    { ...snapshotOf(result), ...(posture ? { posture: postureSnapshot(posture) } : {}) },
    (await runs.snapshots(1))[0],
  );
  const digest = buildDigest(
    snapshot,
    await runs.snapshots(12),
    await deps.store().mutes.activeMutes(deps.now()),
  );
  return { result, snapshot, digest };
}

/** The weekly digest: every configured account checked, with the posture. */
export async function weeklyDigest(deps: DigestDeps): Promise<AssembledDigest> {
  return assembleDigest(deps, await checkAll(deps), { posture: true });
}

/**
 * Owners tagged with an email become chat user ids where `lookup` knows the address (Slack's
 * users.lookupByEmail at the edge); the others are shown as they are.
 */
export async function resolveOwners(
  d: Digest,
  lookup: (email: string) => Promise<string | undefined>,
): Promise<Digest> {
  const emails = new Set(
    [...d.added, ...d.resolved, ...d.stillOpen]
      .map((f) => f.owner)
      .filter((o): o is string => !!o && o.includes('@')),
  );
  const ids = new Map<string, string>();
  for (const email of emails) {
    const id = await lookup(email);
    if (id) ids.set(email, id);
  }
  const swap = <F extends SnapshotFinding>(f: F): F =>
    f.owner && ids.has(f.owner) ? { ...f, owner: ids.get(f.owner) } : f;
  return { ...d, added: d.added.map(swap), resolved: d.resolved.map(swap), stillOpen: d.stillOpen.map(swap) };
}
