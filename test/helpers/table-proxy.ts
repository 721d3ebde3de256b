import { request, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { azuriteConnectionString } from './azurite.js';

/** One request that passed through the proxy to Table Storage. */
export interface TableRequest {
  readonly method: string;
  readonly path: string;
}

/** A loopback HTTP proxy in front of Azurite's table endpoint that records every request the bot makes. */
export interface TableProxy {
  readonly port: number;
  /** A connection string that sends the bot's table traffic through the proxy. */
  readonly connectionString: string;
  readonly requests: TableRequest[];
  close(): Promise<void>;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Requests that could create, change or delete a table or an entity (batches are POSTs too). */
export function writesIn(requests: readonly TableRequest[]): TableRequest[] {
  return requests.filter((r) => !READ_METHODS.has(r.method));
}

/** Starts a proxy on 127.0.0.1, port 0, forwarding to Azurite's table service on `targetPort`. */
export async function startTableProxy(targetPort: number): Promise<TableProxy> {
  const requests: TableRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/' });
    const upstream = request(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${targetPort}` } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      res.writeHead(502);
      res.end(String(error));
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    connectionString: azuriteConnectionString(port),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
