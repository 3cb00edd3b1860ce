import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeMessage } from '../../src/alerts/alert.js';
import { SNS_DATA } from '../helpers/data.js';

const SNS = SNS_DATA;
const read = (f: string) => readFileSync(join(SNS, f), 'utf8');
const env = { receivedAt: new Date('2026-11-25T12:00:00Z') };
/** The Message of a Lambda-style SNS record (CloudWatch alarm samples). */
const snsMessage = (f: string) =>
  (JSON.parse(read(f)) as { Records: { Sns: { Message: string } }[] }).Records[0]?.Sns.Message as string;

describe('every SNS sample in test/fixtures/sns becomes the expected alert', () => {
  it('a CloudWatch alarm from its SNS alarm action', () => {
    const [a] = normalizeMessage(snsMessage('sns-cloudwatch-alarm.json'), env);
    expect(a).toMatchObject({
      source: 'cloudwatch',
      severity: 'high',
      state: 'ALARM',
      account: '123456789012',
      resource: 'EXAMPLE',
      fingerprint: 'cloudwatch:123456789012:-:EXAMPLE',
    });
    expect(a?.title).toMatch(/^EXAMPLE is ALARM: Threshold Crossed/);
  });

  it('a metric-math alarm with placeholder account and region', () => {
    const [a] = normalizeMessage(snsMessage('sns-cloudwatch-alarm-metric-math.json'), env);
    expect(a).toMatchObject({ source: 'cloudwatch', state: 'ALARM', account: undefined, region: undefined });
  });

  it('a CloudTrail call through EventBridge: root creating a bucket', () => {
    const [a] = normalizeMessage(read('eventbridge-cloudtrail-api-call.json'), env);
    expect(a).toMatchObject({
      source: 'cloudtrail',
      title: 'CreateBucket by root',
      severity: 'high',
      eventName: 'CreateBucket',
      resource: 'bucket-test-iad',
      actor: 'arn:aws:iam::123456789012:root',
      account: '123456789012',
      region: 'us-east-1',
      fingerprint: 'cloudtrail:CreateBucket:arn:aws:iam::123456789012:root:bucket-test-iad',
    });
    expect(a?.time.toISOString()).toBe('2016-02-20T01:09:13.000Z');
  });

  it('a GuardDuty finding, through EventBridge and as bare detail, with the same fingerprint', () => {
    const [eb] = normalizeMessage(read('eventbridge-guardduty-finding.COMPOSED.json'), env);
    const [bare] = normalizeMessage(read('guardduty-finding-detail.json'), env);
    expect(eb).toMatchObject({
      source: 'guardduty',
      severity: 'medium',
      title: 'Unusual changes to API activity logging by GeneratedFindingUserName.',
      account: '123456789012',
      region: 'eu-west-1',
      resource: 'GeneratedFindingAccessKeyId',
      actor: 'GeneratedFindingUserName',
      fingerprint: 'guardduty:44b7c4e9781822beb75d3fbd518abf5b',
    });
    expect(bare?.fingerprint).toBe(eb?.fingerprint);
    // The remote address the finding's action names, for its place.
    expect(eb?.sourceIp).toBe('198.51.100.0');
  });

  it('a console sign-in through EventBridge (its own detail type) is a CloudTrail call, with its address', () => {
    const root = JSON.parse(read('eventbridge-cloudtrail-api-call.json')) as {
      detail: Record<string, unknown>;
    };
    const signIn = {
      ...root,
      'detail-type': 'AWS Console Sign In via CloudTrail',
      source: 'aws.signin',
      detail: {
        ...root.detail,
        eventName: 'ConsoleLogin',
        eventSource: 'signin.amazonaws.com',
        requestParameters: null,
        responseElements: { ConsoleLogin: 'Failure' },
      },
    };
    const [a] = normalizeMessage(JSON.stringify(signIn), env);
    expect(a).toMatchObject({
      source: 'cloudtrail',
      eventName: 'ConsoleLogin',
      sourceIp: '100.100.100.100',
      failed: true,
      person: { kind: 'root', name: 'root', account: '123456789012' },
    });
  });

  it('an AssumeRole through EventBridge is kept and shown without the session token it issued', () => {
    const root = JSON.parse(read('eventbridge-cloudtrail-api-call.json')) as {
      detail: Record<string, unknown>;
    };
    const token = `IQoJb3JpZ2luX2VjE${'A'.repeat(300)}`;
    const assume = {
      ...root,
      source: 'aws.sts',
      detail: {
        ...root.detail,
        eventName: 'AssumeRole',
        eventSource: 'sts.amazonaws.com',
        responseElements: {
          credentials: { accessKeyId: 'ASIAEXAMPLE000000001', sessionToken: token, expiration: 'later' },
        },
      },
    };
    const [a] = normalizeMessage(JSON.stringify(assume), env);
    expect(a).toMatchObject({ source: 'cloudtrail', eventName: 'AssumeRole' });
    expect(a?.raw).toContain('ASIAEXAMPLE000000001');
    expect(a?.raw).not.toContain(token);
    // Nor when the event is not read as a CloudTrail call, and kept as JSON to show.
    const [odd] = normalizeMessage(
      JSON.stringify({ ...assume, detail: { ...assume.detail, eventTime: 7 } }),
      env,
    );
    expect(odd?.source).toBe('raw');
    expect(odd?.body).toContain('ASIAEXAMPLE000000001');
    expect(`${odd?.body}${odd?.raw}`).not.toContain(token);
  });

  it('Security Hub findings, imported through EventBridge and as a bare ASFF finding', () => {
    const imported = normalizeMessage(read('eventbridge-securityhub-finding-imported.COMPOSED.json'), env);
    expect(imported).toHaveLength(1);
    const [bare] = normalizeMessage(read('securityhub-asff-finding-fsbp.json'), env);
    for (const a of [imported[0], bare]) {
      expect(a).toMatchObject({
        source: 'securityhub',
        severity: 'medium',
        title: 'CloudTrail.2 CloudTrail should have encryption at-rest enabled',
        account: '123456789012',
        region: 'us-east-2',
        resource: 'arn:aws:cloudtrail:us-east-2:123456789012:trail/AWSMacieTrail-DO-NOT-EDIT',
      });
      expect(a?.fingerprint).toMatch(
        /^securityhub:arn:aws:securityhub:us-east-2:123456789012:subscription\//,
      );
    }
  });

  it('a plain-text notification, kept as raw text under its subject', () => {
    const body = JSON.parse(read('sns-http-notification.json')) as { Message: string; Subject: string };
    const [a] = normalizeMessage(body.Message, { ...env, subject: body.Subject });
    expect(a).toMatchObject({
      source: 'raw',
      title: 'My First Message',
      raw: 'Hello world!',
      severity: 'info',
    });
  });
});

describe('the other shapes', () => {
  it('a CloudWatch alarm from EventBridge; OK is information', () => {
    const msg = JSON.stringify({
      'detail-type': 'CloudWatch Alarm State Change',
      account: '111122223333',
      region: 'eu-west-1',
      detail: { alarmName: 'root-login', state: { value: 'OK', reason: 'back to normal' } },
    });
    expect(normalizeMessage(msg, env)[0]).toMatchObject({
      severity: 'info',
      state: 'OK',
      fingerprint: 'cloudwatch:111122223333:eu-west-1:root-login',
    });
  });

  it('several Security Hub findings in one event become several alerts', () => {
    const f = (id: string, label: string) => ({
      Id: id,
      Title: id,
      Severity: { Label: label },
      ProductArn: 'p',
    });
    const msg = JSON.stringify({
      'detail-type': 'Security Hub Findings - Imported',
      detail: { findings: [f('a', 'CRITICAL'), f('b', 'LOW')] },
    });
    expect(normalizeMessage(msg, env).map((a) => [a.fingerprint, a.severity])).toEqual([
      ['securityhub:a', 'critical'],
      ['securityhub:b', 'low'],
    ]);
  });

  it('AWS Health and Chatbot custom notifications', () => {
    const health = JSON.stringify({
      'detail-type': 'AWS Health Event',
      account: '111122223333',
      region: 'us-east-1',
      detail: {
        service: 'EC2',
        eventTypeCode: 'AWS_EC2_OPERATIONAL_ISSUE',
        eventTypeCategory: 'issue',
        eventArn: 'arn:h',
      },
    });
    expect(normalizeMessage(health, env)[0]).toMatchObject({
      source: 'health',
      severity: 'medium',
      fingerprint: 'health:arn:h',
    });
    const custom = JSON.stringify({
      version: '1.0',
      source: 'custom',
      content: { title: 'Deploy failed', description: 'payments-api 1.4.2 rolled back' },
      metadata: { threadId: 't-1' },
    });
    expect(normalizeMessage(custom, env)[0]).toMatchObject({
      source: 'custom',
      title: 'Deploy failed',
      body: 'payments-api 1.4.2 rolled back',
      fingerprint: 'custom:t-1',
    });
  });

  it('keeps unknown JSON pretty-printed and garbage as text: never dropped', () => {
    const [json] = normalizeMessage('{"hello":{"nested":[1,2]}}', env);
    expect(json).toMatchObject({
      source: 'raw',
      title: 'Notification (JSON)',
      body: '{\n  "hello": {\n    "nested": [\n      1,\n      2\n    ]\n  }\n}',
      raw: '{"hello":{"nested":[1,2]}}',
    });
    for (const junk of ['{"truncated": ', '\u0000\u0001', '[1,2]', 'null', '']) {
      const alerts = normalizeMessage(junk, env);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]?.raw).toBe(junk);
    }
  });
});

describe('CloudTrail Insights events', () => {
  /** The EventBridge shape of an Insights event (as AWS documents it), for DeleteTrail calls. */
  const insightEvent = (state: 'Start' | 'End', eventName = 'DeleteTrail') =>
    JSON.stringify({
      version: '0',
      id: 'a1b2c3d4',
      'detail-type': 'AWS Insight via CloudTrail',
      source: 'aws.cloudtrail',
      account: '111122223333',
      time: '2026-11-30T10:05:00Z',
      region: 'us-east-1',
      resources: [],
      detail: {
        eventVersion: '1.08',
        eventTime: '2026-11-30T10:00:00Z',
        awsRegion: 'us-east-1',
        eventID: 'e1',
        eventType: 'AwsCloudTrailInsight',
        recipientAccountId: '111122223333',
        sharedEventID: 's1',
        insightDetails: {
          state,
          eventSource: 'cloudtrail.amazonaws.com',
          eventName,
          insightType: 'ApiCallRateInsight',
          insightContext: {
            statistics: {
              baseline: { average: 0.0020833333 },
              insight: { average: 6 },
              insightDuration: 1,
              baselineDuration: 10079,
            },
            attributions: [],
          },
        },
        eventCategory: 'Insight',
      },
    });

  it('reads an unusual call rate with its baseline and insight values', () => {
    const [a] = normalizeMessage(insightEvent('Start'), { receivedAt: new Date('2026-11-30T10:06:00Z') });
    expect(a).toMatchObject({
      source: 'insight',
      severity: 'high',
      title: 'Unusual DeleteTrail call rate: 6.00/min against a baseline of 0.00/min',
      account: '111122223333',
      region: 'us-east-1',
      eventName: 'DeleteTrail',
      state: 'Start',
      closes: false,
    });
    expect(a?.details).toEqual([
      { label: 'Insight', value: 'ApiCallRateInsight' },
      { label: 'Baseline', value: '0.00/min' },
      { label: 'During the insight', value: '6.00/min' },
      { label: 'Duration', value: '1 min' },
    ]);
  });

  it('ends on the same fingerprint, closing it; an unremarkable API is medium', () => {
    const [start] = normalizeMessage(insightEvent('Start', 'DescribeInstances'), { receivedAt: new Date() });
    const [end] = normalizeMessage(insightEvent('End', 'DescribeInstances'), { receivedAt: new Date() });
    expect(start?.severity).toBe('medium');
    expect(end).toMatchObject({ closes: true, severity: 'info', fingerprint: start?.fingerprint });
  });
});
