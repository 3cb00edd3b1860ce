import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { healthRoutes, type Readiness } from '../../handlers/health.js';

async function serve(readiness: () => Readiness) {
  const routes = healthRoutes(readiness);
  const server = createServer((req, res) => {
    const r = routes.find((x) => x.path === req.url);
    if (r) void r.handler(req as never, res as never);
    else res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

describe('/readyz', () => {
  it('is 503 with the failing checks while starting, stopping or when the store does not answer', async () => {
    let state: Readiness = { ready: false, checks: { started: 'starting' } };
    const s = await serve(() => state);
    let r = await fetch(`${s.url}/readyz`);
    expect([r.status, await r.json()]).toEqual([503, state]);
    state = { ready: true, checks: { started: 'yes' } };
    r = await fetch(`${s.url}/readyz`);
    expect(r.status).toBe(200);
    const broken = await serve(() => {
      throw new Error('SQLITE_IOERR');
    });
    r = await fetch(`${broken.url}/readyz`);
    expect([r.status, await r.json()]).toEqual([
      503,
      { ready: false, checks: { readiness: 'SQLITE_IOERR' } },
    ]);
    expect((await fetch(`${broken.url}/healthz`)).status).toBe(200);
    s.close();
    broken.close();
  });
});
