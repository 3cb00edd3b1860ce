import { createSign, generateKeyPairSync } from 'node:crypto';

/** A key pair standing in for SNS's signing certificate. */
export const SNS_TEST_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const SNS_TEST_CERT_PEM = SNS_TEST_KEY.publicKey.export({ type: 'spki', format: 'pem' }).toString();
export const SNS_TEST_CERT_URL =
  'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem';

/** The keys SNS signs, by message type, in order. */
const SIGNED: Record<string, string[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: [
    'Message',
    'MessageId',
    'SubscribeURL',
    'Timestamp',
    'Token',
    'TopicArn',
    'Type',
  ],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

/** A message signed as SNS signs it (SignatureVersion 2 by default) with the test key or another. */
export function signSnsMessage(
  m: Record<string, string>,
  opts: { version?: '1' | '2'; key?: typeof SNS_TEST_KEY } = {},
): Record<string, string> {
  const version = opts.version ?? '2';
  const full: Record<string, string> = { SigningCertURL: SNS_TEST_CERT_URL, ...m, SignatureVersion: version };
  const text = (SIGNED[full.Type as string] ?? [])
    .filter((k) => k in full)
    .map((k) => `${k}\n${full[k]}\n`)
    .join('');
  const signer = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
  signer.update(text);
  return { ...full, Signature: signer.sign((opts.key ?? SNS_TEST_KEY).privateKey, 'base64') };
}

/** The same, as the JSON body SNS posts. */
export function signSns(m: Record<string, string>): string {
  return JSON.stringify(signSnsMessage(m));
}
