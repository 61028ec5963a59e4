/**
 * The app's HTTP server (plain node:http): Probot's webhook path and `/healthz`, then the routes other parts
 * of the app add (the dashboard, `/metrics`); everything else is 404.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson } from './respond.js';
import { handleWebhook } from './webhook.js';
import type { WebhookOptions } from './webhook.js';

/** Probot's webhook path, where GitHub is configured to send deliveries. */
export const WEBHOOK_PATH = '/api/github/webhooks';
export const HEALTH_PATH = '/healthz';

// Time to receive a whole request. GitHub sends at most 25 MB at once; a client much slower than that is
// cut off (408) so it can't hold a connection open forever.
const REQUEST_TIMEOUT_MS = 60_000;

/**
 * Another part of the app answering some requests: resolves true when it answered (`path` is the URL's
 * path), false to let the next route or the 404 answer.
 */
export type Route = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;

export interface AppServerOptions extends WebhookOptions {
  /** The path deliveries are posted to (default {@link WEBHOOK_PATH}). */
  webhookPath?: string;
  /** Tried in order for every request that is not a delivery or a health check. */
  routes?: readonly Route[];
}

/** The HTTP server of the app: create, `listen`, and `close` when stopping. */
export class AppServer {
  private readonly server: Server;
  private readonly webhookPath: string;
  private stopping = false;

  constructor(private readonly options: AppServerOptions) {
    this.webhookPath = options.webhookPath ?? WEBHOOK_PATH;
    this.server = createServer(
      { requestTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1_000 },
      (req, res) => {
        this.route(req, res).catch((error: unknown) => {
          options.log.error({ err: error, url: req.url }, 'request failed');
          if (!res.headersSent) sendJson(res, 500, { message: 'internal error' });
          else res.destroy();
        });
      },
    );
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === this.webhookPath && req.method === 'POST') {
      await handleWebhook(req, res, this.options);
    } else if (path === HEALTH_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      // 503 while stopping, so a load balancer sends new deliveries to another replica.
      if (this.stopping) sendJson(res, 503, { status: 'stopping' });
      else sendJson(res, 200, { status: 'ok' });
    } else {
      for (const route of this.options.routes ?? []) if (await route(req, res, path ?? '/')) return;
      // Like Probot: other methods on the webhook path are unknown routes, not 405s.
      sendJson(res, 404, { message: `Unknown route: ${req.method ?? ''} ${path ?? ''}` });
    }
  }

  /** Starts listening; resolves with the base URL (`http://host:port`) once it does. */
  listen(port: number, host?: string): Promise<URL> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        const address = this.server.address() as AddressInfo;
        const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        resolve(new URL(`http://${shown}:${address.port}`));
      });
    });
  }

  /**
   * Stops accepting connections and waits for the requests in progress to be answered, at most
   * `timeoutMs`; connections still open then are cut. Resolves when the server is closed.
   */
  close(timeoutMs: number): Promise<void> {
    this.stopping = true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.server.closeAllConnections(), timeoutMs);
      this.server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      this.server.closeIdleConnections();
    });
  }
}
