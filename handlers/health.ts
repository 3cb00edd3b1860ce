import type { CustomRoute } from '@slack/bolt';

/** Whether the bot should get traffic, and each check's state. */
export interface Readiness {
  ready: boolean;
  checks: Record<string, string>;
}

function json(res: Parameters<CustomRoute['handler']>[1], status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * GET /healthz: the process is up (a liveness probe). GET /readyz: it should get traffic — started, its
 * store answering, not stopping — 200 when ready, 503 with the failing checks when not.
 */
export function healthRoutes(
  readiness: () => Readiness | Promise<Readiness> = () => ({ ready: true, checks: {} }),
): CustomRoute[] {
  return [
    { path: '/healthz', method: ['GET'], handler: (_req, res) => json(res, 200, { ok: true }) },
    {
      path: '/readyz',
      method: ['GET'],
      handler: async (_req, res) => {
        let r: Readiness;
        try {
          r = await readiness();
        } catch (err) {
          r = { ready: false, checks: { readiness: (err as Error).message } };
        }
        json(res, r.ready ? 200 : 503, r);
      },
    },
  ];
}
