import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { isSnsCertUrl, SnsRefusal, SnsUnavailable, SnsVerifier } from '../../src/alerts/sns.js';
import { SNS_DATA } from '../helpers/data.js';
import { SNS_TEST_CERT_PEM, SNS_TEST_CERT_URL, SNS_TEST_KEY, signSnsMessage } from '../helpers/sns-sign.js';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:security-alerts';
const CERT_URL = SNS_TEST_CERT_URL;
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** A Notification signed as SNS signs it: SignatureVersion 1 (SHA1) or 2 (SHA256). */
function signed(
  over: Record<string, string> = {},
  version: '1' | '2' = '1',
  key = SNS_TEST_KEY,
): Record<string, string> {
  return signSnsMessage(
    {
      Type: 'Notification',
      MessageId: 'm-1',
      TopicArn: TOPIC,
      Subject: 'ALARM: root-login',
      Message: '{"AlarmName":"root-login","NewStateValue":"ALARM"}',
      Timestamp: '2026-11-25T12:00:00.000Z',
      ...over,
    },
    { version, key },
  );
}

let fetched: string[] = [];
const verifier = () =>
  new SnsVerifier({
    allowedTopics: [TOPIC],
    fetchCert: async (url) => {
      fetched.push(url);
      return SNS_TEST_CERT_PEM;
    },
  });
beforeEach(() => {
  fetched = [];
});

async function refusal(v: SnsVerifier, body: string): Promise<SnsRefusal> {
  const err = await v.verify(body).catch((e) => e);
  expect(err).toBeInstanceOf(SnsRefusal);
  return err as SnsRefusal;
}

describe('SNS signature verification', () => {
  it('accepts SignatureVersion 1 and 2 signed with the certificate’s key, fetching the certificate once', async () => {
    const v = verifier();
    expect((await v.verify(JSON.stringify(signed({}, '1')))).MessageId).toBe('m-1');
    expect((await v.verify(JSON.stringify(signed({ MessageId: 'm-2' }, '2')))).MessageId).toBe('m-2');
    expect(fetched).toEqual([CERT_URL]);
  });

  it('refuses a tampered body and a wrong key', async () => {
    const tampered = { ...signed(), Message: '{"AlarmName":"root-login","NewStateValue":"OK"}' };
    expect((await refusal(verifier(), JSON.stringify(tampered))).status).toBe(403);
    expect((await refusal(verifier(), JSON.stringify(signed({}, '1', other)))).message).toMatch(
      /signature does not verify/,
    );
  });

  it('answers "try again" (not a refusal that drops it) when the certificate cannot be fetched or read', async () => {
    let pem = 'not a certificate';
    const v = new SnsVerifier({ allowedTopics: [TOPIC], fetchCert: async () => pem });
    const unreadable = await v.verify(JSON.stringify(signed())).catch((e) => e);
    expect(unreadable).toBeInstanceOf(SnsUnavailable);
    expect(unreadable.message).toMatch(/not a readable certificate/);
    const down = new SnsVerifier({
      allowedTopics: [TOPIC],
      fetchCert: async () => {
        throw new Error('getaddrinfo EAI_AGAIN sns.us-east-1.amazonaws.com');
      },
    });
    expect(await down.verify(JSON.stringify(signed())).catch((e) => e)).toBeInstanceOf(SnsUnavailable);
    pem = SNS_TEST_CERT_PEM;
    expect((await v.verify(JSON.stringify(signed()))).MessageId).toBe('m-1');
  });

  it('refuses an unknown topic, malformed JSON, a missing field and an oversized body', async () => {
    expect(
      (
        await refusal(
          verifier(),
          JSON.stringify(signed({ TopicArn: 'arn:aws:sns:us-east-1:111122223333:other' })),
        )
      ).message,
    ).toMatch(/not allowed/);
    expect((await refusal(verifier(), '{"Type":"Notification",')).status).toBe(400);
    const { Signature: _s, ...unsigned } = signed();
    expect((await refusal(verifier(), JSON.stringify(unsigned))).message).toMatch(/Signature/);
    expect(
      (await refusal(verifier(), JSON.stringify(signed({ Message: 'x'.repeat(400 * 1024) })))).status,
    ).toBe(413);
    expect(fetched).toEqual([]);
  });

  it.each([
    'http://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem',
    'https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem',
    'https://evil.com/sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem',
    'https://sns.us-east-1.amazonaws.com@evil.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem',
    'https://user:pass@sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem',
    'https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem',
    'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem.exe',
    'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.txt',
    'https://sns.us-east-1.amazonaws.com/../SimpleNotificationService-0123456789abcdef0123456789abcdef.pem',
    'https://sns.us-east-1.amazonaws.co/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem',
    'https://snsx.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem',
    'https://s3.amazonaws.com/sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem',
    'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem?x=1',
    'file:///etc/passwd',
  ])('refuses the look-alike certificate URL %s without fetching it', async (url) => {
    expect(isSnsCertUrl(url)).toBe(false);
    const err = await refusal(verifier(), JSON.stringify(signed({ SigningCertURL: url })));
    expect(err.status).toBe(403);
    expect(fetched).toEqual([]);
  });

  it('accepts the China partition’s certificate host', () => {
    expect(
      isSnsCertUrl(
        'https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem',
      ),
    ).toBe(true);
  });

  it.each([
    'sns-http-notification.json',
    'sns-http-subscription-confirmation.json',
    'sns-http-unsubscribe-confirmation.json',
  ])('refuses the real sample %s cleanly: its certificate cannot be had here', async (file) => {
    const body = readFileSync(join(SNS_DATA, file), 'utf8');
    const topic = (JSON.parse(body) as { TopicArn: string }).TopicArn;
    // AWS's certificate cannot be fetched here: offline, the message waits ("try again"); with any other
    // certificate, its signature does not verify and it is refused.
    const offline = new SnsVerifier({
      allowedTopics: [topic],
      fetchCert: async () => {
        throw new Error('offline');
      },
    });
    expect(await offline.verify(body).catch((e) => e)).toBeInstanceOf(SnsUnavailable);
    const wrongCert = new SnsVerifier({ allowedTopics: [topic], fetchCert: async () => SNS_TEST_CERT_PEM });
    const err = await refusal(wrongCert, body);
    expect(err.status).toBe(403);
  });
});
