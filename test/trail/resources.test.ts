import { describe, expect, it } from 'vitest';
import { parseRecord } from '../../src/trail/event.js';
import {
  parseArn,
  resourceCandidates,
  resourceTail,
  touchesResource,
  valuesAt,
} from '../../src/trail/resources.js';

const ev = (
  eventSource: string,
  eventName: string,
  requestParameters: Record<string, unknown>,
  resources?: unknown[],
) => parseRecord({ eventTime: '2026-11-20T10:00:00Z', eventSource, eventName, requestParameters, resources });

describe('resource matching', () => {
  it('walks arrays in dotted paths', () => {
    const p = { instancesSet: { items: [{ instanceId: 'i-1' }, { instanceId: 'i-2' }] } };
    expect(valuesAt(p, 'instancesSet.items.instanceId')).toEqual(['i-1', 'i-2']);
    expect(valuesAt({ names: ['a', 'b'] }, 'names')).toEqual(['a', 'b']);
    expect(valuesAt(null, 'a.b')).toEqual([]);
  });

  it('takes the shortest recorded form of ARNs and queue URLs', () => {
    expect(resourceTail('arn:aws:iam::111122223333:user/ops/alice')).toBe('alice');
    expect(resourceTail('arn:aws:s3:::bucket-x')).toBe('bucket-x');
    expect(resourceTail('arn:aws:lambda:us-east-1:111122223333:function:fn')).toBe('fn');
    expect(resourceTail('arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/x:*')).toBe('x');
    expect(resourceTail('https://sqs.us-east-1.amazonaws.com/111122223333/q1')).toBe('q1');
    expect(resourceTail('plain')).toBe('plain');
  });

  it('reads ARNs, typed and untyped', () => {
    expect(parseArn('arn:aws:iam::111122223333:role/service-role/admin')).toEqual({
      service: 'iam',
      region: '',
      account: '111122223333',
      type: 'role',
      id: 'service-role/admin',
    });
    expect(parseArn('arn:aws:sns:eu-west-1:111122223333:alerts')).toEqual({
      service: 'sns',
      region: 'eu-west-1',
      account: '111122223333',
      id: 'alerts',
    });
    expect(parseArn('arn:aws')).toBeUndefined();
    expect(parseArn('bucket-x')).toBeUndefined();
  });

  const inAccount = (over: Record<string, unknown>) =>
    parseRecord({
      eventTime: '2026-11-20T10:00:00Z',
      recipientAccountId: '111122223333',
      awsRegion: 'us-east-1',
      ...over,
    });

  it('matches an ARN to a bare name only in an event of its service, account, region and type', () => {
    const deleteRole = inAccount({
      eventSource: 'iam.amazonaws.com',
      eventName: 'DeleteRole',
      requestParameters: { roleName: 'admin' },
    });
    const deleteUser = inAccount({
      eventSource: 'iam.amazonaws.com',
      eventName: 'DeleteUser',
      requestParameters: { userName: 'admin' },
    });
    const otherAccount = { ...deleteRole, account: '999999999999' };
    expect(touchesResource(deleteRole, 'arn:aws:iam::111122223333:role/admin')).toBe(true);
    expect(touchesResource(deleteRole, 'arn:aws:iam::111122223333:role/ops/admin')).toBe(true);
    expect(touchesResource(deleteUser, 'arn:aws:iam::111122223333:role/admin')).toBe(false);
    expect(touchesResource(otherAccount, 'arn:aws:iam::111122223333:role/admin')).toBe(false);
    expect(touchesResource(deleteRole, 'arn:aws:s3:::admin')).toBe(false);
    const table = inAccount({
      eventSource: 'dynamodb.amazonaws.com',
      eventName: 'DeleteTable',
      requestParameters: { tableName: 'orders' },
    });
    expect(touchesResource(table, 'arn:aws:dynamodb:us-east-1:111122223333:table/orders')).toBe(true);
    expect(touchesResource(table, 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders')).toBe(false);
  });

  it('matches log groups, SSM paths and SQS queues by ARN', () => {
    const logGroup = inAccount({
      eventSource: 'logs.amazonaws.com',
      eventName: 'DeleteLogGroup',
      requestParameters: { logGroupName: '/aws/lambda/x' },
    });
    expect(touchesResource(logGroup, 'arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/x:*')).toBe(
      true,
    );
    const param = inAccount({
      eventSource: 'ssm.amazonaws.com',
      eventName: 'DeleteParameter',
      requestParameters: { name: '/prod/db/password' },
    });
    expect(touchesResource(param, 'arn:aws:ssm:us-east-1:111122223333:parameter/prod/db/password')).toBe(
      true,
    );
    const queue = inAccount({
      eventSource: 'sqs.amazonaws.com',
      eventName: 'DeleteQueue',
      requestParameters: { queueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/jobs' },
    });
    expect(touchesResource(queue, 'arn:aws:sqs:us-east-1:111122223333:jobs')).toBe(true);
    expect(touchesResource(queue, 'jobs')).toBe(true);
  });

  it('matches a bare name to an ARN the event recorded', () => {
    const secret = inAccount({
      eventSource: 'secretsmanager.amazonaws.com',
      eventName: 'DeleteSecret',
      requestParameters: { secretId: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:db-pass' },
    });
    expect(touchesResource(secret, 'db-pass')).toBe(true);
    expect(touchesResource(secret, 'db')).toBe(false);
  });

  it('knows CloudFront’s versioned event names', () => {
    const dist = inAccount({
      eventSource: 'cloudfront.amazonaws.com',
      eventName: 'DeleteDistribution2020_05_31',
      requestParameters: { id: 'E2ABC' },
    });
    expect(touchesResource(dist, 'E2ABC')).toBe(true);
  });

  it('uses the parameter that names the deleted resource, not related ones', () => {
    const keyDeletion = ev('iam.amazonaws.com', 'DeleteAccessKey', {
      userName: 'alice',
      accessKeyId: 'AKIA1',
    });
    expect(resourceCandidates(keyDeletion)).toEqual(['AKIA1']);
    const fn = ev('lambda.amazonaws.com', 'DeleteFunction20150331', {
      functionName: 'arn:aws:lambda:us-east-1:1:function:f',
    });
    expect(touchesResource(fn, 'f')).toBe(true);
  });

  it('falls back to resources[] when no parameter names the resource', () => {
    const e = ev('ec2.amazonaws.com', 'SomethingNew', {}, [{ ARN: 'arn:aws:ec2:us-east-1:1:instance/i-9' }]);
    expect(touchesResource(e, 'i-9')).toBe(true);
  });
});
