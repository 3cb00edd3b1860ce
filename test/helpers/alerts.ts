import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertPolicy } from '../../src/alerts/lifecycle.js';
import { openSqliteStores } from '../../src/store/sqlite/index.js';
import type { Stores } from '../../src/store/stores.js';

export const TOPIC = 'arn:aws:sns:us-east-1:111122223333:security-alerts';
export const CHANNEL = 'C0ALERTS01';

/** A path for a store in a fresh temporary directory (the terminal records its commands there). */
export function tempStorePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'trailbot-store-')), 'trailbot.db');
}

/** A fresh SQLite file in a temporary directory. */
export function tempStore(): { store: Stores; path: string } {
  const path = join(mkdtempSync(join(tmpdir(), 'trailbot-store-')), 'trailbot.db');
  return { store: openSqliteStores(path), path };
}

/** A CloudWatch alarm action message, as CloudWatch publishes it to SNS. */
export function alarmMessage(name: string, state: 'ALARM' | 'OK', account = '111122223333'): string {
  return JSON.stringify({
    AlarmName: name,
    AWSAccountId: account,
    NewStateValue: state,
    NewStateReason: state === 'ALARM' ? 'Threshold Crossed: 1 datapoint [5.0] > 0.0' : 'back to normal',
    StateChangeTime: '2026-11-25T12:00:00.000+0000',
    AlarmArn: `arn:aws:cloudwatch:us-east-1:${account}:alarm:${name}`,
    OldStateValue: state === 'ALARM' ? 'OK' : 'ALARM',
  });
}

/** The fields of an SNS notification before signing. */
export function notification(messageId: string, message: string, subject = 'ALARM'): Record<string, string> {
  return {
    Type: 'Notification',
    MessageId: messageId,
    TopicArn: TOPIC,
    Subject: subject,
    Message: message,
    Timestamp: '2026-11-25T12:00:00.000Z',
  };
}

/** A policy without grouping: every alert its own message, posted at once. */
export const PLAIN_POLICY: AlertPolicy = {
  routes: [],
  defaultChannel: CHANNEL,
  groupBy: [],
  groupWaitMs: 0,
  groupWindowMs: 0,
};
