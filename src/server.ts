import restify from 'restify';
import { z } from 'zod';
import { safeError, safeLogId, type Logger } from './log.js';

/** What the HTTP layer needs: the bot entry point and a storage health probe. */
export interface ServerDeps {
  readonly bot: { process(req: unknown, res: unknown): Promise<void> };
  readonly storageHealthy: () => Promise<boolean>;
  readonly logger: Logger;
  readonly maxBodyBytes: number;
  /** A request body must arrive whole within this long (slow senders are cut off); default 10 s. */
  readonly bodyReadTimeoutMs?: number;
  /** How long one storage probe answers /healthz; default 5 s. */
  readonly healthCacheMs?: number;
}

/** A started server and a way to stop it. */
export interface RunningServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export const DEFAULT_BODY_READ_TIMEOUT_MS = 10_000;
export const DEFAULT_HEALTH_CACHE_MS = 5_000;

const bounded = (max: number) => z.string().max(max);
const timestamp = z
  .string()
  .max(64)
  .refine((v) => !Number.isNaN(Date.parse(v)), 'not a date');

/**
 * The activity envelope, checked before the adapter (and before authentication): botbuilder would
 * answer a malformed one with a 500 carrying its own error text. Only the shape the adapter and
 * routes rely on is checked; the rest passes through for the handlers' own zod schemas.
 */
const ActivityEnvelope = z
  .object({
    type: z.string().regex(/^[A-Za-z]{1,64}$/),
    id: bounded(256).optional(),
    channelId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
    serviceUrl: bounded(2048).url(),
    timestamp: timestamp.optional(),
    localTimestamp: timestamp.optional(),
    expiration: timestamp.optional(),
    from: z.object({ id: bounded(512) }).passthrough(),
    recipient: z
      .object({ id: bounded(512) })
      .passthrough()
      .optional(),
    conversation: z.object({ id: bounded(1024), tenantId: bounded(128).optional() }).passthrough(),
    channelData: z.record(z.unknown()).optional(),
    name: bounded(256).optional(),
    text: z.string().optional(),
    locale: bounded(64).optional(),
  })
  .passthrough();

type BodyRequest = restify.Request & { body?: unknown };

/** The media type of a Content-Type header, lower-cased, and its charset if one is named. */
function mediaType(header: string | undefined): { type: string; charset: string | undefined } | undefined {
  if (!header) return undefined;
  const [type, ...params] = header.split(';').map((p) => p.trim().toLowerCase());
  if (!type) return undefined;
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/^"|"$/g, '');
  return { type, charset };
}

/**
 * Reads the request body for POST /api/messages: only `application/json` (UTF-8), only identity
 * encoding, at most maxBodyBytes, whole within the deadline, into memory. Everything else is answered
 * (415, 413, 408, 400) before any parser or handler and before authentication: nothing is inflated,
 * nothing reaches disk. Answers carry no body.
 */
function readJsonBody(deps: ServerDeps): restify.RequestHandler {
  const deadlineMs = deps.bodyReadTimeoutMs ?? DEFAULT_BODY_READ_TIMEOUT_MS;
  return (req: BodyRequest, res, next) => {
    const refuse = (status: number, reason: string, close: boolean): void => {
      deps.logger.warn({ event: 'http.refused', status, reason, path: safeLogId(req.getPath(), 128) }, 'Request refused at intake');
      if (close) res.setHeader('connection', 'close');
      res.writeHead(status, { 'content-length': '0' });
      res.end();
      if (close) {
        // Nothing more of the body is kept: what still arrives is discarded, and the connection is
        // closed at the latest a second later (a sender that never stops does not hold it open).
        req.removeAllListeners('data');
        req.resume();
        const cut = setTimeout(() => req.socket.destroy(), 1000);
        cut.unref();
        req.once('end', () => clearTimeout(cut));
      }
      next(false);
    };

    const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity') {
      refuse(415, 'content-encoding', true);
      return;
    }
    const media = mediaType(req.headers['content-type']);
    if (media?.type !== 'application/json' || (media.charset !== undefined && media.charset !== 'utf-8' && media.charset !== 'utf8')) {
      refuse(415, 'content-type', true);
      return;
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && (!/^\d{1,15}$/.test(declared) || Number(declared) > deps.maxBodyBytes)) {
      refuse(413, 'too-large', true);
      return;
    }

    const chunks: Buffer[] = [];
    let received = 0;
    let done = false;
    const finish = (): void => {
      done = true;
      clearTimeout(timer);
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('error', onError);
      req.removeListener('aborted', onError);
    };
    const timer = setTimeout(() => {
      if (done) return;
      finish();
      refuse(408, 'deadline', true);
    }, deadlineMs);
    const onData = (chunk: Buffer): void => {
      if (done) return;
      received += chunk.length;
      if (received > deps.maxBodyBytes) {
        finish();
        chunks.length = 0;
        return refuse(413, 'too-large', true);
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      if (done) return;
      finish();
      const text = Buffer.concat(chunks, received).toString('utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return refuse(400, 'not-json', false);
      }
      const envelope = ActivityEnvelope.safeParse(parsed);
      if (!envelope.success) {
        // Which field, never what was sent.
        const fields = [...new Set(envelope.error.issues.map((i) => safeLogId(i.path.join('.') || '(root)', 64)))].slice(0, 8);
        deps.logger.warn({ event: 'http.refused', status: 400, reason: 'envelope', fields }, 'Request refused at intake');
        res.writeHead(400, { 'content-length': '0' });
        res.end();
        return next(false);
      }
      req.body = parsed;
      next();
    };
    const onError = (): void => {
      if (done) return;
      finish();
      req.socket.destroy();
      next(false);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onError);
  };
}

/** One storage probe answers /healthz for `ttlMs`; concurrent requests share the probe in flight. */
export function cachedProbe(probe: () => Promise<boolean>, ttlMs: number, now: () => number = Date.now): () => Promise<boolean> {
  let last: { at: number; value: boolean } | undefined;
  let inFlight: Promise<boolean> | undefined;
  return () => {
    if (last && now() - last.at < ttlMs) return Promise.resolve(last.value);
    inFlight ??= probe()
      .catch(() => false)
      .then((value) => {
        last = { at: now(), value };
        inFlight = undefined;
        return value;
      });
    return inFlight;
  };
}

/** Builds the restify server: POST /api/messages and GET /healthz. Does not listen. */
export function createServer(deps: ServerDeps): restify.Server {
  const server = restify.createServer({ name: 'tencs', handleUncaughtExceptions: false });
  const storageHealthy = cachedProbe(deps.storageHealthy, deps.healthCacheMs ?? DEFAULT_HEALTH_CACHE_MS);

  server.post('/api/messages', readJsonBody(deps), async (req: restify.Request, res: restify.Response) => {
    try {
      await deps.bot.process(req, res);
    } catch (error) {
      // botbuilder's own answer would carry its error text; the caller gets a bare 500.
      deps.logger.error({ event: 'http.process-failed', err: safeError(error) }, 'Request failed before a turn could start');
      if (!res.headersSent) {
        res.writeHead(500, { 'content-length': '0' });
        res.end();
      }
    }
  });

  server.get('/healthz', async (_req, res) => {
    const storage = await storageHealthy();
    res.status(storage ? 200 : 503);
    res.json({ status: storage ? 'ok' : 'degraded', storage: storage ? 'ok' : 'unreachable' });
  });

  server.on('restifyError', (req: restify.Request, res: restify.Response, err: Error & { statusCode?: number }, cb: () => void) => {
    deps.logger.warn({ event: 'http.error', status: err.statusCode, errorName: safeLogId(err.name, 64), path: safeLogId(req.getPath(), 128) }, 'HTTP error');
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
