import type { CustomRoute } from '@slack/bolt';

/** GET /healthz: the process is up. Readiness checks come with the hardening issue. */
export function healthRoutes(): CustomRoute[] {
  return [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      },
    },
  ];
}
