import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { withEndpointOnErrors } from '../../aws/clients.js';
import type { Config } from '../../config.js';
import type { Stores } from '../stores.js';
import { openDynamoStores } from './index.js';
import { initTable, tableProblems } from './table.js';

/**
 * The DynamoDB client of the store: region from TRAIL_REGIONS' first, the endpoint from the SDK's
 * standard settings (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL), credentials from its chain.
 */
const clientFor = (config: Config) =>
  withEndpointOnErrors(
    new DynamoDBClient({ region: config.TRAIL_REGIONS[0], retryMode: 'adaptive', maxAttempts: 6 }),
  );

/** Every port on TRAIL_DYNAMODB_TABLE. */
export function dynamoStoresFor(config: Config): Stores {
  return openDynamoStores(clientFor(config), {
    table: config.TRAIL_DYNAMODB_TABLE as string,
    retentionDays: config.TRAIL_STORE_RETENTION_DAYS,
    auditRetentionDays: config.TRAIL_AUDIT_RETENTION_DAYS,
  });
}

/** What is wrong with TRAIL_DYNAMODB_TABLE for Trailbot (empty: it fits). */
export async function dynamoTableProblems(config: Config): Promise<string[]> {
  const client = clientFor(config);
  try {
    return await tableProblems(client, config.TRAIL_DYNAMODB_TABLE as string);
  } finally {
    client.destroy();
  }
}

/** `trail store init` for DynamoDB: create the table if missing (idempotent). */
export async function initDynamoTable(config: Config): Promise<'created' | 'exists'> {
  const client = clientFor(config);
  try {
    return await initTable(client, config.TRAIL_DYNAMODB_TABLE as string);
  } finally {
    client.destroy();
  }
}
