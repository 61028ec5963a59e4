/**
 * `GET /metrics`: the Prometheus exposition of the app's registry. Open unless `METRICS_TOKEN` is set, then
 * only with `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise, with no data). Open is safe by design:
 * the labels name no repository, issue, title or person (see metrics.ts).
 */
import { sameSecret } from '../dashboard/auth.js';
import { sendJson } from '../server/respond.js';
import type { Route } from '../server/server.js';
import type { AppMetrics } from './metrics.js';

export const METRICS_PATH = '/metrics';

export function metricsRoute(metrics: AppMetrics, token: string | undefined): Route {
  return async (req, res, path) => {
    if (path !== METRICS_PATH || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    if (token !== undefined) {
      const match = /^Bearer[ ]+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
      if (match?.[1] === undefined || !sameSecret(match[1], token)) {
        sendJson(
          res,
          401,
          { message: 'METRICS_TOKEN is set: send it as a bearer token' },
          {
            'www-authenticate': 'Bearer realm="metrics"',
          },
        );
        return true;
      }
    }
    const { contentType, text } = await metrics.exposition();
    res.writeHead(200, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : text);
    return true;
  };
}
