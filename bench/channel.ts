import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { Agent, createServer, request, type Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import jwt from 'jsonwebtoken';
import { CONNECTOR_SCOPE, signChannelToken } from './auth.js';
import { readBody } from '../test/helpers/read-body.js';

/** A Teams user as the channel describes them. */
export interface BenchUser {
  readonly id: string;
  readonly aadObjectId: string;
  readonly name: string;
  readonly conversationId: string;
}

/** What one turn produced: the HTTP answer and what the bot sent to the connector meanwhile. */
export interface Outcome {
  readonly status: number;
  readonly body: unknown;
  readonly activities: Record<string, unknown>[];
  /** performance.now() when the HTTP response finished. */
  readonly respondedAt: number;
  /** performance.now() when the last connector call of the turn arrived. */
  readonly lastReplyAt: number | undefined;
  readonly error?: 'timeout' | 'network';
}

/** Teams' limit on a turn. */
export const TURN_TIMEOUT_MS = 15_000;

/** A new practitioner in a personal chat with the bot. */
export function benchUser(aadObjectId: string = randomUUID(), name = 'Bench practitioner'): BenchUser {
  return { id: `29:${aadObjectId}`, aadObjectId, name, conversationId: `a:bench-${aadObjectId}` };
}

interface Pending {
  activities: Record<string, unknown>[];
  lastReplyAt: number | undefined;
}

/**
 * The Teams side of the conversation: posts signed activities to a bot and runs the loopback Bot
 * Connector the bot replies to, matching each reply to the turn in flight for that conversation.
 */
export interface Channel {
  readonly serviceUrl: string;
  send(botUrl: string, user: BenchUser, activity: Record<string, unknown>): Promise<Outcome>;
  /** Connector calls whose bearer token was missing or not from the login stub. */
  unauthenticated(): number;
  close(): Promise<void>;
}

/** Starts the loopback connector and returns a channel that signs like the Bot Framework. */
export async function startChannel(options: {
  appId: string;
  tenantId: string;
  channelKeyPem: string;
  channelKid: string;
  loginPublicKeyPem: string;
}): Promise<Channel> {
  const pending = new Map<string, Pending>();
  const loginKey: KeyObject = createPublicKey(options.loginPublicKeyPem);
  const goodTokens = new Set<string>();
  let unauthenticated = 0;
  let nextId = 1;

  const checkBearer = (authorization: string | undefined): boolean => {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
    if (!token) return false;
    if (goodTokens.has(token)) return true;
    try {
      const claims = jwt.verify(token, loginKey, { algorithms: ['RS256'], audience: CONNECTOR_SCOPE }) as { appid?: string };
      if (claims.appid !== options.appId) return false;
      goodTokens.add(token);
      return true;
    } catch {
      return false;
    }
  };

  const server: Server = createServer((req, res) => {
    const at = performance.now();
    void readBody(req)
      .then((raw) => {
        if (!checkBearer(req.headers.authorization)) unauthenticated += 1;
        const match = /^\/v3\/conversations\/([^/]+)/.exec(req.url ?? '');
        const conversationId = match?.[1] ? decodeURIComponent(match[1]) : '';
        const turn = pending.get(conversationId);
        if (turn && (req.method === 'POST' || req.method === 'PUT')) {
          turn.activities.push(raw ? (JSON.parse(raw) as Record<string, unknown>) : {});
          turn.lastReplyAt = at;
        }
        const text = JSON.stringify({ id: `act-${nextId++}` });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      })
      .catch((error: unknown) => {
        res.writeHead(500);
        res.end(String(error));
      });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const serviceUrl = `http://127.0.0.1:${port}/`;
  // The channel signs one token and reuses it while it is valid, as the real one does.
  const token = signChannelToken({ privateKeyPem: options.channelKeyPem, kid: options.channelKid }, options.appId, serviceUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

  return {
    serviceUrl,
    send(botUrl, user, activity) {
      const full = {
        id: randomUUID(),
        timestamp: new Date().toISOString(),
        channelId: 'msteams',
        serviceUrl,
        from: { id: user.id, aadObjectId: user.aadObjectId, name: user.name },
        recipient: { id: `28:${options.appId}`, name: 'tencs' },
        conversation: { id: user.conversationId, conversationType: 'personal', tenantId: options.tenantId },
        channelData: { tenant: { id: options.tenantId } },
        locale: 'en-GB',
        ...activity,
      };
      const body = JSON.stringify(full);
      const turn: Pending = { activities: [], lastReplyAt: undefined };
      pending.set(user.conversationId, turn);
      return new Promise<Outcome>((resolve) => {
        let settled = false;
        const done = (status: number, responseBody: unknown, error?: Outcome['error']) => {
          if (settled) return;
          settled = true;
          pending.delete(user.conversationId);
          resolve({
            status,
            body: responseBody,
            activities: turn.activities,
            respondedAt: performance.now(),
            lastReplyAt: turn.lastReplyAt,
            ...(error ? { error } : {}),
          });
        };
        const req = request(
          `${botUrl}/api/messages`,
          {
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` },
            timeout: TURN_TIMEOUT_MS,
          },
          (res) => {
            void readBody(res).then(
              (text) => {
                let parsed: unknown = text;
                try {
                  parsed = text ? JSON.parse(text) : undefined;
                } catch {
                  // Not JSON: keep the raw text.
                }
                done(res.statusCode ?? 0, parsed);
              },
              () => done(0, undefined, 'network'),
            );
          },
        );
        req.on('timeout', () => {
          req.destroy();
          done(0, undefined, 'timeout');
        });
        req.on('error', () => done(0, undefined, 'network'));
        req.end(body);
      });
    },
    unauthenticated: () => unauthenticated,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
