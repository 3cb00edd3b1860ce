import { createPublicKey, type KeyObject } from 'node:crypto';
import SnsPayloadValidator from 'sns-payload-validator';
import { z } from 'zod';

/**
 * The message could not be checked now (its certificate could not be fetched or read): a 5xx, so SNS
 * delivers it again; on SQS, left on the queue.
 */
export class SnsUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnsUnavailable';
  }
}

/** Why a message was refused; the intake answers it with a 4xx (SNS counts that as delivered). */
export class SnsRefusal extends Error {
  constructor(
    readonly status: 400 | 403 | 413,
    message: string,
  ) {
    super(message);
    this.name = 'SnsRefusal';
  }
}

/** Fetches a signing certificate; injected so tests can sign with their own key. */
export type CertFetcher = (url: string) => Promise<string>;

/** The library's certificate cache (an LRU cache), as far as we use it. */
/** The library's certificate cache; it hands what it holds to crypto's verify, which takes a key object. */
interface CertCache {
  get(url: string): KeyObject | undefined;
  set(url: string, cert: KeyObject): void;
}

/** The largest body accepted: SNS messages are at most 256 KiB, plus the envelope. */
export const MAX_SNS_BODY = 300 * 1024;

/**
 * A signing certificate must be https on sns.<region>.amazonaws.com (or .amazonaws.com.cn), a .pem file:
 * the same rule sns-payload-validator applies, checked here before anything is fetched.
 */
const CERT_URL =
  /^https:\/\/sns\.[a-z0-9-]{3,}\.amazonaws\.com(\.cn)?\/SimpleNotificationService-[a-zA-Z0-9]{32}\.pem$/;

/** Is this a signing-certificate URL SNS would use? No userinfo, no port, no look-alike host. */
export function isSnsCertUrl(value: string): boolean {
  if (!CERT_URL.test(value)) return false;
  try {
    const u = new URL(value);
    return u.protocol === 'https:' && !u.username && !u.password && !u.port && !u.search && !u.hash;
  } catch {
    return false;
  }
}

const envelope = z.looseObject({
  Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
  MessageId: z.string().min(1).max(128),
  TopicArn: z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/),
  Message: z.string(),
  Subject: z.string().nullable().optional(),
  Timestamp: z.string(),
  SignatureVersion: z.enum(['1', '2']),
  Signature: z.string().min(1),
  SigningCertURL: z.string(),
  SubscribeURL: z.string().optional(),
  Token: z.string().optional(),
});

/** A message whose signature checked out. */
export type VerifiedSnsMessage = z.infer<typeof envelope>;

/** What the verifier is built from. */
export interface SnsVerifierOptions {
  /** Topics whose messages (and subscription confirmations) are accepted. */
  allowedTopics: readonly string[];
  fetchCert: CertFetcher;
  /** Certificates kept in memory. */
  maxCerts?: number;
}

/**
 * Verifies SNS messages posted over HTTP(S): shape, topic allow-list, certificate URL, and the signature
 * (SignatureVersion 1 and 2) with sns-payload-validator. Certificates are fetched through the injected
 * fetcher, only for URLs that pass the check, and cached.
 */
export class SnsVerifier {
  readonly #validator: SnsPayloadValidator;
  readonly #cache: CertCache;
  constructor(private readonly opts: SnsVerifierOptions) {
    this.#validator = new SnsPayloadValidator({ useCache: true, maxCerts: opts.maxCerts ?? 100 });
    // The library fetches on a cache miss; filling its cache first means only our fetcher ever fetches.
    this.#cache = (this.#validator as unknown as { certCache: CertCache }).certCache;
  }

  /** Check a request body; returns the message, or throws SnsRefusal saying why. */
  async verify(body: string): Promise<VerifiedSnsMessage> {
    if (Buffer.byteLength(body) > MAX_SNS_BODY)
      throw new SnsRefusal(413, 'body too large for an SNS message');
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch {
      throw new SnsRefusal(400, 'body is not JSON');
    }
    const parsed = envelope.safeParse(doc);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new SnsRefusal(400, `not an SNS message: ${i?.path.join('.')}: ${i?.message}`);
    }
    const m = parsed.data;
    if (!this.opts.allowedTopics.includes(m.TopicArn))
      throw new SnsRefusal(403, `topic ${m.TopicArn} is not allowed`);
    if (!isSnsCertUrl(m.SigningCertURL))
      throw new SnsRefusal(403, 'signing certificate URL is not an SNS one');
    if (this.#cache.get(m.SigningCertURL) === undefined) {
      let cert: string;
      try {
        cert = await this.opts.fetchCert(m.SigningCertURL);
      } catch (err) {
        // Not the sender's fault: answer 5xx so SNS delivers it again, rather than a 4xx that drops it.
        throw new SnsUnavailable(`signing certificate could not be fetched: ${(err as Error).message}`);
      }
      // Parsed once: reading the PEM on every message would cost more than the signature check itself.
      let key: KeyObject;
      try {
        key = createPublicKey(cert);
      } catch {
        throw new SnsUnavailable('signing certificate is not a readable certificate');
      }
      this.#cache.set(m.SigningCertURL, key);
    }
    try {
      await this.#validator.validate(m as never);
    } catch (err) {
      throw new SnsRefusal(403, `signature does not verify: ${(err as Error).message}`);
    }
    return m;
  }
}

/** The production fetcher: https only, no redirects, a timeout and a size limit. */
export const httpsCertFetcher: CertFetcher = async (url) => {
  if (!isSnsCertUrl(url)) throw new Error('not an SNS certificate URL');
  const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const text = await res.text();
  if (text.length > 16 * 1024 || !text.includes('BEGIN CERTIFICATE')) throw new Error('not a certificate');
  return text;
};
