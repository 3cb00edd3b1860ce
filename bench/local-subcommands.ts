// Benchmark: every investigation over the 1,000,000-event archive (npm run bench:local makes it), events
// per second, beside jq doing the same filter over `zcat`, in one run. Page cache warm; one round each.
// (The archive is made when missing or older than the generator: bench/archive.ts.)
// Usage: npx tsx bench/local-subcommands.ts
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARCHIVE_DIR as DIR, ensureArchive } from './archive.js';

const { events } = await ensureArchive();
const list = `find ${DIR} -name '*.json.gz' -print0 | sort -z`;

/** Each investigation and the jq filter that asks the same of the raw records. */
const CASES: [string[], string][] = [
  [['activity', 'alice'], 'select(.userIdentity.type == "IAMUser" and .userIdentity.userName == "alice")'],
  [['key', 'AKIAEXAMPLEBOB000002'], 'select(.userIdentity.accessKeyId == "AKIAEXAMPLEBOB000002")'],
  [['ip', '198.51.100.23'], 'select(.sourceIPAddress == "198.51.100.23")'],
  [['logins'], 'select(.eventName == "ConsoleLogin" and .eventSource == "signin.amazonaws.com")'],
  [
    ['denied'],
    'select((.errorCode // "") | test("^(Client\\\\.)?(AccessDenied|UnauthorizedOperation|UnauthorizedAccess)"))',
  ],
  [['root'], 'select(.userIdentity.type == "Root" and .eventType != "AwsServiceEvent")'],
  [
    ['iam-changes'],
    'select(.eventSource == "iam.amazonaws.com" and (.eventName | IN("CreateUser","DeleteUser","CreateAccessKey","AttachUserPolicy","PutUserPolicy","CreateRole","UpdateAssumeRolePolicy","AddUserToGroup")))',
  ],
  [
    ['tampering'],
    'select(.eventName | IN("StopLogging","DeleteTrail","UpdateTrail","PutEventSelectors","DeleteDetector","StopConfigurationRecorder","DeleteFlowLogs","LeaveOrganization"))',
  ],
  [['event', 'CreateBucket'], 'select(.eventName == "CreateBucket")'],
];

function timed(script: string): { s: number; out: string } {
  const t = performance.now();
  const r = spawnSync('bash', ['-c', `set -o pipefail; ${script}`], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
  return { s: (performance.now() - t) / 1000, out: r.stdout };
}

timed(`${list} | xargs -0 cat > /dev/null`);
const rows = CASES.map(([words, filter]) => {
  const ours = timed(`node bin/trail.js ${words.join(' ')} --logs ${DIR} --since 2026-09-01 --json`);
  const jq = timed(`${list} | xargs -0 zcat | jq -c '.Records[] | ${filter} | .eventID' | wc -l`);
  const matched = (JSON.parse(ours.out) as { search: { matched: number } }).search.matched;
  return {
    subcommand: words.join(' '),
    trailbotSeconds: +ours.s.toFixed(2),
    trailbotEventsPerSecond: Math.round(events / ours.s),
    jqSeconds: +jq.s.toFixed(2),
    jqEventsPerSecond: Math.round(events / jq.s),
    ratio: +(jq.s / ours.s).toFixed(2),
    matched,
    jqMatched: Number(jq.out.trim()),
  };
});
const result = {
  method: `one round each, page cache warm, whole commands (trailbot through bin/trail.js with Node start-up); ${events} events; 2 cores`,
  rows,
};
mkdirSync(join('bench', 'out'), { recursive: true });
writeFileSync(join('bench', 'out', 'local-subcommands.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
