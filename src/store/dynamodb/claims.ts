import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { RunClaims } from '../../schedule/claims.js';
import { conditionFailed, type DynamoTable } from './table.js';

/** RunClaims in DynamoDB: a put on the run id that requires no claim, the same owner, or an ended lease. */
export class DynamoRunClaims implements RunClaims {
  constructor(private readonly t: DynamoTable) {}

  async claim(runId: string, owner: string, now: Date, until: Date): Promise<boolean> {
    try {
      await this.t.doc.send(
        new PutCommand({
          TableName: this.t.name,
          Item: {
            pk: `${this.t.ns}CLAIM#${runId}`,
            sk: 'CLAIM',
            owner,
            until: until.toISOString(),
            expiresAt: Math.floor(until.getTime() / 1000) + 7 * 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR #o = :o OR #u <= :now',
          ExpressionAttributeNames: { '#o': 'owner', '#u': 'until' },
          ExpressionAttributeValues: { ':o': owner, ':now': now.toISOString() },
        }),
      );
      return true;
    } catch (err) {
      if (conditionFailed(err)) return false;
      throw err;
    }
  }
}
