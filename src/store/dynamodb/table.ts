import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  type TableDescription,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsErrorName } from '../../aws-errors.js';

/**
 * The one table every port shares (single-table design): `pk`/`sk` keys, two sparse overloaded indexes
 * (`gsi1`, `gsi2`: an item is in one only while it is waiting, snoozed, pending …), and `expiresAt`
 * (epoch seconds) for DynamoDB's TTL: dedup entries, done outbox rows and audit entries expire.
 */
export interface DynamoTable {
  doc: DynamoDBDocumentClient;
  name: string;
  /** A prefix on every partition key: stores side by side in one table (tests; several bots). */
  ns: string;
  /** How long processed messages (the dedup window) and done outbox rows are kept. */
  retentionDays: number;
  /** How long audit entries are kept (TRAIL_AUDIT_RETENTION_DAYS). */
  auditRetentionDays: number;
}

export const KEY_SCHEMA = [
  { AttributeName: 'pk', KeyType: 'HASH' },
  { AttributeName: 'sk', KeyType: 'RANGE' },
] as const;
const INDEXES = ['gsi1', 'gsi2'] as const;
export const TTL_ATTRIBUTE = 'expiresAt';

/** The table as `trail store init` creates it (and the bot stack declares it): on demand, two indexes. */
export function tableDefinition(name: string): CreateTableCommandInput {
  const attrs: AttributeDefinition[] = ['pk', 'sk', ...INDEXES.flatMap((i) => [`${i}pk`, `${i}sk`])].map(
    (AttributeName) => ({ AttributeName, AttributeType: 'S' }),
  );
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attrs,
    KeySchema: [...KEY_SCHEMA],
    GlobalSecondaryIndexes: INDEXES.map((i) => ({
      IndexName: i,
      KeySchema: [
        { AttributeName: `${i}pk`, KeyType: 'HASH' },
        { AttributeName: `${i}sk`, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}

/**
 * What is wrong with an existing table for Trailbot, each problem said exactly (empty: it fits). A
 * missing table is one problem, naming `trail store init`.
 */
export async function tableProblems(client: DynamoDBClient, name: string): Promise<string[]> {
  let table: TableDescription | undefined;
  try {
    table = (await client.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (err) {
    if (awsErrorName(err) === 'ResourceNotFoundException')
      return [`TRAIL_DYNAMODB_TABLE: table ${name} does not exist; create it with \`trail store init\``];
    throw err;
  }
  const problems: string[] = [];
  const keys = (table?.KeySchema ?? []).map((k) => `${k.AttributeName} ${k.KeyType}`).join(', ');
  if (keys !== 'pk HASH, sk RANGE')
    problems.push(
      `table ${name}: its key is (${keys || 'none'}); Trailbot needs (pk HASH, sk RANGE), both strings`,
    );
  for (const d of table?.AttributeDefinitions ?? [])
    if (['pk', 'sk'].includes(d.AttributeName ?? '') && d.AttributeType !== 'S')
      problems.push(
        `table ${name}: ${d.AttributeName} is of type ${d.AttributeType}; Trailbot needs S (string)`,
      );
  for (const i of INDEXES) {
    const g = table?.GlobalSecondaryIndexes?.find((x) => x.IndexName === i);
    const gk = (g?.KeySchema ?? []).map((k) => `${k.AttributeName} ${k.KeyType}`).join(', ');
    if (!g)
      problems.push(
        `table ${name}: no global secondary index ${i} (${i}pk HASH, ${i}sk RANGE, all attributes)`,
      );
    else if (gk !== `${i}pk HASH, ${i}sk RANGE`)
      problems.push(
        `table ${name}: index ${i} has the key (${gk}); Trailbot needs (${i}pk HASH, ${i}sk RANGE)`,
      );
    else if (g.Projection?.ProjectionType !== 'ALL')
      problems.push(`table ${name}: index ${i} projects ${g.Projection?.ProjectionType}; Trailbot needs ALL`);
  }
  return problems;
}

/** Create the table if it is missing, with TTL on `expiresAt`; an existing one is checked, not changed. */
export async function initTable(client: DynamoDBClient, name: string): Promise<'created' | 'exists'> {
  const problems = await tableProblems(client, name);
  if (!problems.length) return 'exists';
  if (!/does not exist/.test(problems[0] as string)) throw new Error(problems.join('\n'));
  await client.send(new CreateTableCommand(tableDefinition(name)));
  for (let i = 0; i < 120; i++) {
    const d = await client.send(new DescribeTableCommand({ TableName: name }));
    if (d.Table?.TableStatus === 'ACTIVE') break;
    await new Promise((r) => setTimeout(r, 500));
  }
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: name,
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    }),
  );
  return 'created';
}

/** The document client over a DynamoDB client: undefined attributes dropped, dates written as ISO text. */
export const documentClient = (client: DynamoDBClient) =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

/** Was a conditional write refused (the item was there, the lease held …)? */
export const conditionFailed = (err: unknown) => awsErrorName(err) === 'ConditionalCheckFailedException';

/** Epoch seconds `days` after `from`, for the TTL attribute. */
export const expiresAfter = (from: Date, days: number) => Math.floor(from.getTime() / 1000) + days * 86_400;

/** A sort-key suffix that keeps writes of the same instant in the order they were made (in one process). */
export const seq = () =>
  `${String(process.hrtime.bigint()).padStart(20, '0')}${Math.random().toString(36).slice(2, 6)}`;
