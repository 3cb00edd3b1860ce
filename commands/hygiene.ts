import { awsError } from '../src/aws-errors.js';
import { UsageError } from '../src/errors.js';
import { CHECKS, type CheckId, type Finding } from '../src/hygiene/checks.js';
import { applyMutes, type Digest, type Mute } from '../src/hygiene/digest.js';
import { findingsToCsv } from '../src/hygiene/export.js';
import type { HygieneResult } from '../src/hygiene/service.js';
import type { Doc } from '../src/present/doc.js';
import { presentDigest, presentHygiene, presentMute, SHOWN_FINDINGS } from '../src/present/hygiene.js';
import { durationMs } from '../src/time.js';
import { parseWords } from './options.js';
import type { CommandSpec } from './spec.js';

const USAGE =
  'hygiene [--account id] [--user name] [--check id] [--digest] [--report file] | hygiene mute <finding id | check:user> --for 30d --reason "…"';

type Args =
  | { kind: 'check'; accounts?: string[]; user?: string; check?: CheckId; digest: boolean; report?: string }
  | { kind: 'mute'; pattern: string; forMs: number; reason: string };

type Result =
  | { kind: 'check'; result: HygieneResult; muted: number; now: Date }
  | { kind: 'digest'; digest: Digest; findings: Finding[] }
  | { kind: 'mute'; mute: Mute };

function parse(words: string[], front: 'slack' | 'terminal'): Args {
  if (words[0] === 'mute') {
    const { values, positionals } = parseWords(
      words.slice(1),
      { for: { type: 'string' }, reason: { type: 'string' } },
      USAGE,
    );
    const pattern = positionals[0];
    if (!pattern || positionals.length > 1)
      throw new UsageError('Say which finding to mute: its id, or check:user.', USAGE);
    const check = pattern.split(':')[0] ?? '';
    if (
      !(check in CHECKS) ||
      // A finding id (check:account:user[:key]) or check:user; user names are IAM's (\w+=,.@-), plus
      // the report's <root_account> and the account-wide (account).
      !/^[a-z-]+:(\d{10,12}:)?[\w+=,.@<>()-]{1,64}(:[12])?$/.test(pattern)
    )
      throw new UsageError(
        `"${pattern}" is not a finding id or check:user (checks: ${Object.keys(CHECKS).join(', ')}).`,
        USAGE,
      );
    const forMs = durationMs(values.for ?? '');
    if (!forMs || forMs > 366 * 86_400_000)
      throw new UsageError('--for takes how long, up to a year: 7d, 30d, 12w.', USAGE);
    const reason = (values.reason ?? '').trim();
    if (!reason || reason.length > 300)
      throw new UsageError(
        '--reason "…" says why (up to 300 characters); it is shown in every digest.',
        USAGE,
      );
    return { kind: 'mute', pattern, forMs, reason };
  }
  const { values, positionals } = parseWords(
    words,
    {
      account: { type: 'string', multiple: true },
      user: { type: 'string' },
      check: { type: 'string' },
      digest: { type: 'boolean' },
      report: { type: 'string' },
    },
    USAGE,
  );
  if (positionals.length) throw new UsageError(`Unexpected words: ${positionals.join(' ')}.`, USAGE);
  const accounts = values.account?.flatMap((a) => a.split(',')).map((a) => a.trim());
  for (const a of accounts ?? [])
    if (!/^\d{12}$/.test(a)) throw new UsageError(`"${a}" is not a 12-digit account id.`, USAGE);
  if (values.check !== undefined && !(values.check in CHECKS))
    throw new UsageError(`There is no check "${values.check}": ${Object.keys(CHECKS).join(', ')}.`, USAGE);
  if (values.user !== undefined && !/^[\w+=,.@-]{1,64}$/.test(values.user))
    throw new UsageError(`"${values.user}" is not an IAM user name.`, USAGE);
  if (values.report !== undefined && front === 'slack')
    throw new UsageError('--report reads a file on the bot’s disk: it is for the terminal.', USAGE);
  if (values.user && (values.digest || values.report))
    throw new UsageError('--user checks one user live; it does not go with --digest or --report.', USAGE);
  return {
    kind: 'check',
    accounts,
    user: values.user,
    check: values.check as CheckId | undefined,
    digest: values.digest ?? false,
    report: values.report,
  };
}

/** /trail hygiene: IAM checks on demand, a live re-check of one user, the digest, and mutes. */
export const hygieneCommand: CommandSpec<Args, Result> = {
  name: 'hygiene',
  usage: USAGE,
  summary: 'IAM hygiene: stale and unrotated keys, console users without MFA, root use, policies',
  permission: 'investigate',
  permissionFor: (a) => (a.kind === 'mute' ? 'admin' : 'investigate'),
  parse: (words, front) => parse(words, front),
  working: (a) =>
    a.kind === 'mute'
      ? ['Muting…']
      : a.user
        ? [`Checking ${a.user} live…`]
        : ['Fetching the IAM credential report (generating it can take a minute)…'],
  async run(a, deps, ctx) {
    const now = deps.now();
    if (a.kind === 'mute') {
      const mute: Mute = {
        pattern: a.pattern,
        reason: a.reason,
        by: ctx.actor.userId,
        at: now,
        until: new Date(now.getTime() + a.forMs),
      };
      await deps.store().mutes.addMute(mute);
      deps.audit({
        at: now,
        user: ctx.actor.userId,
        channel: ctx.actor.channelId,
        front: ctx.actor.front,
        kind: 'mute',
        what: a.pattern,
        result: `muted until ${mute.until.toISOString()}`,
        detail: { reason: a.reason },
      });
      deps.logger.info(
        { pattern: a.pattern, by: ctx.actor.userId, until: mute.until },
        'hygiene finding muted',
      );
      return { kind: 'mute', mute };
    }
    // The run loads the AWS SDK: only now, not when the terminal starts.
    const { checkAll, fromReportFile, recheck } = await import('../src/hygiene/run.js');
    let result = a.report
      ? await fromReportFile(a.report, deps)
      : a.user
        ? await recheck(deps, a.user, a.accounts?.[0]).catch((err: unknown) => {
            throw awsError(err, { service: 'IAM', action: 'iam:GetUser' });
          })
        : await checkAll(deps, a.accounts).catch((err: unknown) => {
            throw awsError(err, { service: 'Organizations', action: 'organizations:ListAccounts' });
          });
    if (a.digest) {
      // The trail's posture joins the digest, except offline (a report file).
      const { assembleDigest } = await import('../src/digest/service.js');
      const { digest } = await assembleDigest(deps, result, { posture: !a.report });
      return { kind: 'digest', digest, findings: result.findings };
    }
    const active = await deps.store().mutes.activeMutes(now);
    const keep = (f: Finding) =>
      (!a.check || f.check === a.check) && (!a.user || a.report || f.user === a.user);
    const { open, muted } = applyMutes(result.findings.filter(keep), active);
    result = { ...result, findings: open };
    return { kind: 'check', result, muted: muted.length, now };
  },
  present(r): Doc {
    if (r.kind === 'mute') return presentMute(r.mute);
    if (r.kind === 'digest') return presentDigest(r.digest);
    return presentHygiene(r.result, r.muted, r.now);
  },
  file(r) {
    const findings = r.kind === 'check' ? r.result.findings : r.kind === 'digest' ? r.findings : [];
    if (r.kind === 'mute') return undefined;
    return {
      needed: findings.length > SHOWN_FINDINGS,
      filename: `iam-findings-${new Date().toISOString().slice(0, 10)}.csv`,
      content: findingsToCsv(findings),
      comment: `All ${findings.length} findings, worst first, as CSV.`,
    };
  },
};
