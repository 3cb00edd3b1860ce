import type { PostureResult } from '../posture/checks.js';
import { DAY_MS } from '../time.js';
import type { Finding, FindingSeverity } from './checks.js';
import type { HygieneResult } from './service.js';

/** A suppression: a finding id, or `check:user` for that check on that user in any account. */
export interface Mute {
  pattern: string;
  reason: string;
  by: string;
  at: Date;
  until: Date;
}

/** What a snapshot keeps of a finding: enough to diff and to list. */
export type SnapshotFinding = Pick<
  Finding,
  'id' | 'check' | 'account' | 'user' | 'severity' | 'title' | 'owner'
>;

/** One digest run, kept in the store so the next digest can say what changed. */
export interface Snapshot {
  takenAt: Date;
  findings: SnapshotFinding[];
  /** Accounts that could not be checked, with why. */
  failed: { account: string; error: string }[];
  /** Each checked account's report time. */
  reports: { account: string; generatedAt: Date }[];
  /** The trail's posture at that time (absent in snapshots from before it was checked). */
  posture?: PostureSnapshot | undefined;
}

/** What a snapshot keeps of the trail posture: its findings, each trail's delivery, or why it failed. */
export interface PostureSnapshot {
  findings: { id: string; severity: string; title: string }[];
  /** Finding ids whose check could not be made this time: neither open nor resolved by this run. */
  notChecked?: string[] | undefined;
  delivery: {
    trail: string;
    isLogging: boolean;
    latestDelivery?: Date | undefined;
    latestDeliveryError?: string | undefined;
  }[];
  error?: string | undefined;
}

/** A posture result (or its failure) as a snapshot part. */
export function postureSnapshot(r: PostureResult | { error: string }): PostureSnapshot {
  if ('error' in r) return { findings: [], delivery: [], error: r.error };
  return {
    findings: r.findings.map((f) => ({ id: f.id, severity: f.severity, title: f.title })),
    notChecked: r.notChecked.map((n) => n.id),
    delivery: r.delivery.map((d) => ({
      trail: d.trail,
      isLogging: d.isLogging,
      latestDelivery: d.latestDelivery,
      latestDeliveryError: d.latestDeliveryError,
    })),
  };
}

/** Does the mute cover the finding? */
export function mutes(m: Mute, f: Pick<Finding, 'id' | 'check' | 'user'>): boolean {
  return m.pattern === f.id || m.pattern === `${f.check}:${f.user}`;
}

/** Findings split into those that count and those a live mute covers. */
export function applyMutes<F extends Pick<Finding, 'id' | 'check' | 'user'>>(
  findings: F[],
  active: Mute[],
): { open: F[]; muted: F[] } {
  const open: F[] = [];
  const muted: F[] = [];
  for (const f of findings) (active.some((m) => mutes(m, f)) ? muted : open).push(f);
  return { open, muted };
}

/**
 * An account that could not be checked this time resolved nothing: the findings of the last digest for
 * every account with no report now are carried into this snapshot as still open (and kept so, week
 * after week, until the account answers again), rather than reported resolved and new again later.
 */
export function carryForward(current: Snapshot, previous: Snapshot | undefined): Snapshot {
  if (!previous || !current.failed.length) return current;
  const reported = new Set(current.reports.map((r) => r.account));
  const have = new Set(current.findings.map((f) => f.id));
  const carried = previous.findings.filter((f) => !reported.has(f.account) && !have.has(f.id));
  return carried.length ? { ...current, findings: [...current.findings, ...carried] } : current;
}

/** A run as a snapshot. */
export function snapshotOf(r: HygieneResult): Snapshot {
  return {
    takenAt: r.checkedAt,
    findings: r.findings.map(({ id, check, account, user, severity, title, owner }) => ({
      id,
      check,
      account,
      user,
      severity,
      title,
      ...(owner ? { owner } : {}),
    })),
    failed: r.accounts.flatMap((a) => (a.ok ? [] : [{ account: a.account, error: a.error }])),
    reports: r.accounts.flatMap((a) => (a.ok ? [{ account: a.account, generatedAt: a.generatedAt }] : [])),
  };
}

/** The weekly digest: what is open, what changed since the last digest, and the trend. */
export interface Digest {
  takenAt: Date;
  previousAt?: Date | undefined;
  totals: Record<FindingSeverity, number>;
  /** Open now, not open at the last digest. */
  added: SnapshotFinding[];
  /** Open at the last digest, gone now (and not merely muted). */
  resolved: SnapshotFinding[];
  /** Open at both, with the days since first seen in a digest. */
  stillOpen: (SnapshotFinding & { ageDays: number })[];
  perAccount: { account: string; open: number; generatedAt?: Date | undefined }[];
  failed: { account: string; error: string }[];
  mutes: Mute[];
  /** Open findings per digest, oldest first, for the chart. */
  series: { at: Date; open: number }[];
  /** The trail's posture: findings new and resolved since the last digest, and delivery health. */
  posture?:
    | {
        added: PostureSnapshot['findings'];
        resolved: PostureSnapshot['findings'];
        open: number;
        delivery: PostureSnapshot['delivery'];
        error?: string | undefined;
      }
    | undefined;
}

/**
 * The digest from this run's snapshot and the earlier ones (newest first), under the mutes live now:
 * new and resolved are against the last digest; a still-open finding's age runs from the first digest
 * that had it without a break. Expired mutes are simply not in `active`, so their findings come back.
 */
export function buildDigest(current: Snapshot, earlier: Snapshot[], active: Mute[]): Digest {
  const previous = earlier[0];
  const open = applyMutes(current.findings, active).open;
  const before = new Map((previous ? applyMutes(previous.findings, active).open : []).map((f) => [f.id, f]));
  const now = new Set(current.findings.map((f) => f.id));
  const firstSeen = (id: string): Date => {
    let first = current.takenAt;
    for (const s of earlier) {
      if (!s.findings.some((f) => f.id === id)) break;
      first = s.takenAt;
    }
    return first;
  };
  const totals: Record<FindingSeverity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const f of open) totals[f.severity]++;
  const accounts = new Set([...current.reports.map((r) => r.account), ...open.map((f) => f.account)]);
  return {
    takenAt: current.takenAt,
    previousAt: previous?.takenAt,
    totals,
    added: open.filter((f) => !before.has(f.id)),
    resolved: [...before.values()].filter((f) => !now.has(f.id)),
    stillOpen: open
      .filter((f) => before.has(f.id))
      .map((f) => ({
        ...f,
        ageDays: Math.floor((current.takenAt.getTime() - firstSeen(f.id).getTime()) / DAY_MS),
      }))
      .sort((a, b) => b.ageDays - a.ageDays),
    perAccount: [...accounts].sort().map((account) => ({
      account,
      open: open.filter((f) => f.account === account).length,
      generatedAt: current.reports.find((r) => r.account === account)?.generatedAt,
    })),
    failed: current.failed,
    mutes: active,
    posture: current.posture && {
      added: current.posture.findings.filter(
        (f) => !(previous?.posture?.findings ?? []).some((p) => p.id === f.id),
      ),
      // A check not made this time resolves nothing.
      resolved: current.posture.error
        ? []
        : (previous?.posture?.findings ?? []).filter(
            (p) =>
              !current.posture?.findings.some((f) => f.id === p.id) &&
              !current.posture?.notChecked?.includes(p.id),
          ),
      open: current.posture.findings.length,
      delivery: current.posture.delivery,
      error: current.posture.error,
    },
    series: [...earlier]
      .reverse()
      .concat([current])
      .slice(-12)
      .map((s) => ({ at: s.takenAt, open: applyMutes(s.findings, active).open.length })),
  };
}
