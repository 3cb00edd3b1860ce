import { describe, expect, it } from 'vitest';
import { parseRecord } from '../../src/trail/event.js';
import {
  resourceCandidates,
  resourceTail,
  sameResource,
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

  it('takes the last segment of ARNs and queue URLs', () => {
    expect(resourceTail('arn:aws:iam::111122223333:user/ops/alice')).toBe('alice');
    expect(resourceTail('arn:aws:s3:::bucket-x')).toBe('bucket-x');
    expect(resourceTail('arn:aws:lambda:us-east-1:111122223333:function:fn')).toBe('fn');
    expect(resourceTail('https://sqs.us-east-1.amazonaws.com/111122223333/q1')).toBe('q1');
    expect(resourceTail('plain')).toBe('plain');
  });

  it('matches exactly, never a prefix', () => {
    const del = ev('s3.amazonaws.com', 'DeleteBucket', { bucketName: 'bucket-x-logs' });
    expect(touchesResource(del, 'bucket-x')).toBe(false);
    expect(
      touchesResource(ev('s3.amazonaws.com', 'DeleteBucket', { bucketName: 'bucket-x' }), 'bucket-x'),
    ).toBe(true);
  });

  it('matches an ARN to a bare name only within the same service', () => {
    expect(sameResource('arn:aws:s3:::bucket-x', 'bucket-x', 's3.amazonaws.com')).toBe(true);
    expect(sameResource('arn:aws:iam::1:role/alice', 'alice', 'iam.amazonaws.com')).toBe(true);
    expect(sameResource('arn:aws:iam::1:role/alice', 'alice', 's3.amazonaws.com')).toBe(false);
    expect(sameResource('alice', 'arn:aws:iam::1:user/alice', 'iam.amazonaws.com')).toBe(true);
    expect(sameResource('arn:aws:iam::1:user/alice', 'arn:aws:iam::2:user/alice', 'iam.amazonaws.com')).toBe(
      false,
    );
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
