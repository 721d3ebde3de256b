import { request, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { azuriteConnectionString } from './azurite.js';

/** One request the bot made to Table Storage through the proxy. */
export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  /** What the proxy did with it: passed through, or the fault it applied. */
  outcome: 'forwarded' | Fault['kind'];
  /** Azurite's status when the request reached it. */
  upstreamStatus?: number;
}

/**
 * What to do with a matching request instead of passing it through:
 * - `status`: answer with this status without reaching Table Storage (the write did not happen);
 * - `reset`: drop the connection without reaching Table Storage;
 * - `after-commit`: pass it through (the write commits), run `hook`, then drop the connection or answer `status`;
 * - `before`: run `hook` first (e.g. SIGKILL the bot), then drop the connection without reaching Table Storage;
 * - `hang`: never answer;
 * - `hold`: pass it through only once `release` resolves.
 */
export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Record<string, string>; readonly body?: unknown }
  | { readonly kind: 'reset' }
  | { readonly kind: 'after-commit'; readonly then: 'reset' | { readonly status: number; readonly body?: unknown }; readonly hook?: () => Promise<void> | void }
  | { readonly kind: 'before'; readonly hook: () => Promise<void> | void }
  | { readonly kind: 'hang' }
  | { readonly kind: 'hold'; readonly release: Promise<void> };

/** A fault for the next `times` requests that `match` accepts (all requests when no match is given). */
export interface FaultRule {
  readonly fault: Fault;
  readonly match?: (r: { method: string; path: string }) => boolean;
  times?: number;
}

/** A loopback proxy in front of Azurite's table endpoint that can fail, hang or hold chosen requests. */
export interface FaultProxy {
  readonly port: number;
  /** A connection string that sends table traffic through the proxy. */
  readonly connectionString: string;
  readonly requests: ProxiedRequest[];
  /** Queues a rule; rules are tried in order and each applies `times` times (default 1). */
  inject(rule: FaultRule): void;
  /** Rules not yet used up. */
  pending(): number;
  /** Calls `observer` for each request before any fault applies (e.g. to kill the bot at the k-th write); `body` is the request's body as text. */
  observe(observer: ((r: { method: string; path: string }, index: number, body: string) => Fault | undefined) | undefined): void;
  clearFaults(): void;
  close(): Promise<void>;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Requests that write an entity of this logical table (any prefix); table creation is not counted. */
export function entityWriteTo(table: string): (r: { method: string; path: string }) => boolean {
  const pattern = new RegExp(`^/devstoreaccount1/[A-Za-z0-9]*${table}(\\(|\\?|$)`);
  return (r) => !READ_METHODS.has(r.method) && pattern.test(r.path);
}

/** Requests that read an entity or a query of this logical table (any prefix). */
export function entityReadOf(table: string): (r: { method: string; path: string }) => boolean {
  const pattern = new RegExp(`^/devstoreaccount1/[A-Za-z0-9]*${table}(\\(|\\?|$)`);
  return (r) => r.method === 'GET' && pattern.test(r.path);
}

/** Starts a fault-injecting proxy on 127.0.0.1 (port 0 unless given), forwarding to Azurite's table port. */
export async function startFaultProxy(targetPort: number, listenPort = 0): Promise<FaultProxy> {
  const requests: ProxiedRequest[] = [];
  const rules: FaultRule[] = [];
  const sockets = new Set<Socket>();
  let observer: ((r: { method: string; path: string }, index: number, body: string) => Fault | undefined) | undefined;

  const forward = (req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingMessage['headers']; data: Buffer }> =>
    new Promise((resolve, reject) => {
      const upstream = request(
        { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${targetPort}` } },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, data: Buffer.concat(chunks) }));
          answer.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });

  const readBody = (req: IncomingMessage): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });

  const reply = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json;odata=minimalmetadata', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  const errorBody = (status: number): unknown => {
    const code =
      status === 503
        ? 'ServerBusy'
        : status === 500
          ? 'OperationTimedOut'
          : status === 412
            ? 'UpdateConditionNotSatisfied'
            : status === 429
              ? 'TooManyRequests'
              : 'InjectedFault';
    return { 'odata.error': { code, message: { lang: 'en-US', value: `Injected ${status} ${code}` } } };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const entry: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', outcome: 'forwarded' };
    const index = requests.push(entry) - 1;
    const body = await readBody(req);
    let fault = observer?.(entry, index, body.toString('utf8'));
    if (!fault) {
      const rule = rules.find((r) => (r.times ?? 1) > 0 && (!r.match || r.match(entry)));
      if (rule) {
        rule.times = (rule.times ?? 1) - 1;
        fault = rule.fault;
      }
    }
    if (fault) entry.outcome = fault.kind;
    if (fault?.kind === 'status') {
      reply(res, fault.status, fault.body ?? errorBody(fault.status), fault.headers);
      return;
    }
    if (fault?.kind === 'reset') return req.socket.destroy();
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'before') {
      await fault.hook();
      return req.socket.destroy();
    }
    if (fault?.kind === 'hold') await fault.release;
    const answer = await forward(req, body);
    entry.upstreamStatus = answer.status;
    if (fault?.kind === 'after-commit') {
      await fault.hook?.();
      if (fault.then === 'reset') return req.socket.destroy();
      reply(res, fault.then.status, fault.then.body ?? errorBody(fault.then.status));
      return;
    }
    const headers = { ...answer.headers };
    delete headers['transfer-encoding'];
    headers['content-length'] = String(answer.data.length);
    res.writeHead(answer.status, headers);
    res.end(answer.data);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // Azurite itself is down or went away mid-request: answer as a dead endpoint would, by dropping the connection.
      req.socket.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(listenPort, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    connectionString: azuriteConnectionString(port),
    requests,
    inject: (rule) => rules.push(rule),
    pending: () => rules.filter((r) => (r.times ?? 1) > 0).length,
    observe: (o) => {
      observer = o;
    },
    clearFaults: () => {
      rules.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
