import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake received. */
export interface RecordedCall {
  path: string;
  /** When the fake received it (Date.now()), to order it against other events. */
  at: number;
  body: Record<string, unknown>;
  /** The body as text, for uploads. */
  raw: string;
}

type Answer = { status?: number; headers?: Record<string, string>; body: unknown };
/** A route's answer; a promise makes a Slack slow to answer. */
type Reply = (body: Record<string, unknown>) => Answer | Promise<Answer>;

function readBody(req: IncomingMessage): Promise<{ body: Record<string, unknown>; raw: string }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const type = req.headers['content-type'] ?? '';
      if (!text) return resolve({ body: {}, raw: text });
      if (type.includes('application/json')) return resolve({ body: JSON.parse(text), raw: text });
      if (!type.includes('application/x-www-form-urlencoded')) return resolve({ body: {}, raw: text });
      const form = Object.fromEntries(new URLSearchParams(text));
      // The WebClient sends blocks and other structures as JSON strings inside the form.
      for (const [k, v] of Object.entries(form)) {
        if (/^[[{]/.test(v)) {
          try {
            form[k] = JSON.parse(v);
          } catch {}
        }
      }
      resolve({ body: form, raw: text });
    });
  });
}

/**
 * A Slack Web API and response_url stand-in on 127.0.0.1. It answers only the routes a test declares
 * and records every call; anything else is recorded as unexpected and answered with a 500.
 */
export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly unexpected: RecordedCall[] = [];
  #routes = new Map<string, Reply>();
  #server: Server | undefined;
  #waiters: { path: string; count: number; resolve: () => void }[] = [];
  url = '';

  /** Answer `path` (e.g. "/api/auth.test" or "/response/1") with `reply`. */
  on(path: string, reply: Reply): this {
    this.#routes.set(path, reply);
    return this;
  }

  /** Calls to `path` are taken and never answered (a Slack that hangs), until `unstall`. */
  readonly #stalled = new Map<string, import('node:http').ServerResponse[]>();
  stall(path: string): this {
    this.#stalled.set(path, []);
    return this;
  }
  /** Answer the stalled calls with a 503 (nothing was taken) and stop stalling. */
  unstall(): void {
    for (const held of this.#stalled.values())
      for (const res of held) if (!res.writableEnded) res.writeHead(503).end();
    this.#stalled.clear();
  }

  /** The reply registered for `path`, to wrap it. */
  replyFor(path: string): Reply | undefined {
    return this.#routes.get(path);
  }

  /** The calls made to `path`. */
  callsTo(path: string): RecordedCall[] {
    return this.calls.filter((c) => c.path === path);
  }

  /** Resolves when `path` has been called `count` times. */
  waitFor(path: string, count = 1, timeoutMs = 10_000): Promise<void> {
    if (this.callsTo(path).length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no call to ${path} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#waiters.push({
        path,
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  async start(): Promise<this> {
    this.#server = createServer(async (req, res) => {
      // When the request arrived (its headers), as Slack's rate limits count it: not when its body was read.
      const at = Date.now();
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const { body, raw } = await readBody(req);
      const call = { path, at, body, raw };
      const reply = this.#routes.get(path);
      if (!reply) {
        this.unexpected.push(call);
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: `fake slack: unexpected call to ${path}` }));
        return;
      }
      this.calls.push(call);
      const held = this.#stalled.get(path);
      if (held) {
        held.push(res);
        return;
      }
      const r = await reply(body);
      res.writeHead(r.status ?? 200, { 'content-type': 'application/json', ...(r.headers ?? {}) });
      res.end(JSON.stringify(r.body));
      for (const w of [...this.#waiters]) {
        if (w.path === path && this.callsTo(path).length >= w.count) {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.unstall();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

/** A message the fake channels hold. */
export interface FakeMessage {
  channel: string;
  ts: string;
  thread_ts?: string | undefined;
  text: string;
  blocks: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> } | undefined;
  /** Versions after chat.update, oldest first. */
  edits: { text: string; blocks: unknown[] }[];
}

/**
 * Channels on the fake: chat.postMessage, chat.update and conversations.history keep and return
 * messages as Slack does. `failNext` makes the next call to a method answer something else (a 429).
 */
export function fakeChannels(slack: FakeSlack) {
  const messages: FakeMessage[] = [];
  const failures = new Map<string, { status?: number; headers?: Record<string, string>; body: unknown }[]>();
  let seq = 0;
  const failed = (path: string) => failures.get(path)?.shift();
  slack.on('/api/auth.test', () => ({
    body: { ok: true, team_id: 'T0001', user_id: 'U0BOT', bot_id: 'B0BOT', team: 'Acme', user: 'trailbot' },
  }));
  slack.on('/api/chat.postMessage', (b) => {
    const f = failed('/api/chat.postMessage');
    if (f) return f;
    const ts = `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;
    messages.push({
      channel: String(b.channel),
      ts,
      thread_ts: b.thread_ts ? String(b.thread_ts) : undefined,
      text: String(b.text ?? ''),
      blocks: (b.blocks as unknown[]) ?? [],
      metadata: b.metadata as FakeMessage['metadata'],
      edits: [],
    });
    return { body: { ok: true, channel: b.channel, ts } };
  });
  slack.on('/api/chat.update', (b) => {
    const f = failed('/api/chat.update');
    if (f) return f;
    const m = messages.find((x) => x.channel === b.channel && x.ts === b.ts);
    if (!m) return { body: { ok: false, error: 'message_not_found' } };
    m.edits.push({ text: String(b.text ?? ''), blocks: (b.blocks as unknown[]) ?? [] });
    return { body: { ok: true, channel: b.channel, ts: b.ts } };
  });
  slack.on('/api/conversations.history', (b) => ({
    body: {
      ok: true,
      messages: messages
        .filter((m) => m.channel === b.channel && !m.thread_ts && Number(m.ts) >= Number(b.oldest ?? 0))
        .reverse()
        .map((m) => ({
          ts: m.ts,
          text: m.text,
          ...(b.include_all_metadata && m.metadata ? { metadata: m.metadata } : {}),
        })),
      has_more: false,
    },
  }));
  slack.on('/api/conversations.replies', (b) => ({
    body: {
      ok: true,
      messages: messages
        .filter((m) => m.channel === b.channel && (m.ts === b.ts || m.thread_ts === b.ts))
        .map((m) => ({
          ts: m.ts,
          text: m.text,
          ...(b.include_all_metadata && m.metadata ? { metadata: m.metadata } : {}),
        })),
      has_more: false,
    },
  }));
  return {
    messages,
    /** Top-level messages of a channel, oldest first. */
    posts: (channel?: string) => messages.filter((m) => !m.thread_ts && (!channel || m.channel === channel)),
    /** Replies in a message's thread, oldest first. */
    replies: (ts: string) => messages.filter((m) => m.thread_ts === ts),
    failNext(path: string, reply: { status?: number; headers?: Record<string, string>; body: unknown }) {
      failures.set(path, [...(failures.get(path) ?? []), reply]);
    },
  };
}
