import restify from 'restify';
import type { Logger } from './log.js';

/** What the HTTP layer needs: the bot entry point and a storage health probe. */
export interface ServerDeps {
  readonly bot: { process(req: unknown, res: unknown): Promise<void> };
  readonly storageHealthy: () => Promise<boolean>;
  readonly logger: Logger;
  readonly maxBodyBytes: number;
}

/** A started server and a way to stop it. */
export interface RunningServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Builds the restify server: POST /api/messages and GET /healthz. Does not listen. */
export function createServer(deps: ServerDeps): restify.Server {
  const server = restify.createServer({ name: 'tencs', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: deps.maxBodyBytes, mapParams: false, rejectUnknown: true }));

  server.post('/api/messages', async (req, res) => {
    await deps.bot.process(req, res);
  });

  server.get('/healthz', async (_req, res) => {
    const storage = await deps.storageHealthy();
    res.status(storage ? 200 : 503);
    res.json({ status: storage ? 'ok' : 'degraded', storage: storage ? 'ok' : 'unreachable' });
  });

  server.on('restifyError', (req: restify.Request, res: restify.Response, err: Error & { statusCode?: number }, cb: () => void) => {
    deps.logger.warn({ event: 'http.error', status: err.statusCode, errorName: err.name, path: req.getPath() }, 'HTTP error');
    cb();
  });
  return server;
}

/** Listens on host:port (port 0 picks a free one) and resolves once bound. */
export async function listen(server: restify.Server, host: string, port: number): Promise<RunningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const bound = address.port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}
