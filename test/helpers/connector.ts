import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readBody } from './read-body.js';

/** One call the bot made to the Bot Connector. */
export interface ConnectorCall {
  readonly method: string;
  readonly path: string;
  readonly conversationId: string;
  readonly body: Record<string, unknown>;
  /** The request headers that say who called: user-agent and authorization (for host and credential checks). */
  readonly headers: { readonly userAgent: string | undefined; readonly authorization: string | undefined };
  /** The status the connector answered (a queued fault's, or its normal answer); set once the answer is sent. */
  status?: number;
}

/**
 * A new thread in a team channel, as either host starts one: botbuilder creates a conversation (POST
 * /v3/conversations, which is also how both hosts open a personal chat), and the Teams SDK host sends the
 * activity to the channel itself (POST /v3/conversations/{channel}/activities: a channel id, not a thread's
 * `;messageid=`, and no replyToId).
 */
export function isChannelPost(call: ConnectorCall): boolean {
  if (call.method !== 'POST') return false;
  if (call.path === '/v3/conversations') return true;
  return (
    call.path.endsWith('/activities') &&
    call.conversationId.startsWith('19:') &&
    !call.conversationId.includes(';messageid=') &&
    call.body.replyToId === undefined
  );
}

/** The activity a call carries: a created conversation's first activity, or the body itself. */
export const activityIn = (call: Pick<ConnectorCall, 'body'>): Record<string, unknown> => (call.body.activity ?? call.body) as Record<string, unknown>;

/** A scripted answer for the next matching connector call (e.g. 429 with Retry-After, 403). */
export interface ConnectorFault {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  readonly match?: (call: ConnectorCall) => boolean;
  /** Answer only after this long: a connector that hangs (the bot caps its own retry waits). */
  readonly delayMs?: number;
}

/** A member of a declared roster. */
export interface RosterMember {
  readonly id: string;
  readonly aadObjectId: string;
  readonly name: string;
}

const rosterMember = (m: string | RosterMember): RosterMember =>
  typeof m === 'string' ? { id: m, aadObjectId: m.startsWith('29:') ? m.slice(3) : m, name: 'Member' } : m;

/** A loopback Bot Connector: records what the bot sends and answers like the real one. */
export interface LoopbackConnector {
  readonly url: string;
  readonly calls: ConnectorCall[];
  /** Activities the bot sent (new messages, replies and updates), in order. */
  activities(): Record<string, unknown>[];
  /** Queue faults answered before normal behaviour resumes. */
  fail(...faults: ConnectorFault[]): void;
  /**
   * Declares who is in a conversation (a team): member lookups then answer 200 for these user ids
   * (Teams ids or AAD object ids) and 404 MemberNotFoundInConversation for anyone else. Conversations
   * never declared keep answering 200, as before. A Teams id `29:<aad>` (as newUser makes them) is also found by
   * its Entra object id, and answered with its Teams id, as Teams answers a lookup by object id; give a
   * member as { id, aadObjectId, name } to set its display name. Listing members (pagedmembers) answers the roster.
   */
  members(conversationId: string, userIds: readonly (string | RosterMember)[]): void;
  clear(): void;
  /** Drops faults still queued (clear() keeps them, as before). */
  clearFaults(): void;
  close(): Promise<void>;
}

/** Starts a connector on 127.0.0.1, port 0. */
export async function startConnector(): Promise<LoopbackConnector> {
  const calls: ConnectorCall[] = [];
  const faults: ConnectorFault[] = [];
  const rosters = new Map<string, RosterMember[]>();
  let nextId = 1;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const raw = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const match = /^\/v3\/conversations\/([^/]+)/.exec(url.pathname);
      const call: ConnectorCall = {
        method: req.method ?? 'GET',
        path: url.pathname,
        conversationId: match?.[1] ? decodeURIComponent(match[1]) : '',
        body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
        headers: { userAgent: req.headers['user-agent'], authorization: req.headers.authorization },
      };
      res.once('finish', () => {
        call.status = res.statusCode;
      });
      const faultIndex = faults.findIndex((f) => !f.match || f.match(call));
      if (faultIndex >= 0) {
        const [fault] = faults.splice(faultIndex, 1);
        calls.push(call);
        if (fault!.delayMs) await new Promise((resolve) => setTimeout(resolve, fault!.delayMs).unref());
        res.writeHead(fault!.status, { 'content-type': 'application/json', ...(fault!.headers ?? {}) });
        res.end(JSON.stringify(fault!.body ?? { error: { code: 'Fault', message: 'injected' } }));
        return;
      }
      calls.push(call);
      const member = /^\/v3\/conversations\/([^/]+)\/members\/([^/]+)$/.exec(url.pathname);
      const roster = member && req.method === 'GET' ? rosters.get(decodeURIComponent(member[1]!)) : undefined;
      const paged = /^\/v3\/conversations\/([^/]+)\/pagedmembers$/i.exec(url.pathname); // botbuilder says pagedmembers, the Teams SDK pagedMembers
      if (paged && req.method === 'GET') {
        const listed = rosters.get(decodeURIComponent(paged[1]!)) ?? [];
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ members: listed.map((m) => ({ id: m.id, name: m.name, aadObjectId: m.aadObjectId })) }));
        return;
      }
      if (member && roster) {
        const userId = decodeURIComponent(member[2]!);
        const found = roster.find((m) => m.id === userId || m.aadObjectId.toLowerCase() === userId.toLowerCase());
        if (found) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id: found.id, name: found.name, aadObjectId: found.aadObjectId }));
        } else {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'MemberNotFoundInConversation', message: 'The member is not in the conversation' } }));
        }
        return;
      }
      res.writeHead(url.pathname === '/v3/conversations' && req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
      if (url.pathname === '/v3/conversations' && req.method === 'POST') {
        // A new thread in a channel is named after its root message, as Teams does; other conversations keep conv-N.
        const channel = (call.body.channelData as { channel?: { id?: unknown } } | undefined)?.channel?.id;
        const activityId = `act-${nextId}`;
        res.end(JSON.stringify({ id: typeof channel === 'string' ? `${channel};messageid=${activityId}` : `conv-${nextId}`, activityId }));
        nextId++;
      } else {
        res.end(JSON.stringify({ id: `act-${nextId++}` }));
      }
    })().catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    calls,
    activities: () => calls.filter((c) => c.method === 'POST' || c.method === 'PUT').map((c) => c.body),
    fail: (...f) => faults.push(...f),
    members: (conversationId, userIds) => {
      rosters.set(conversationId, userIds.map(rosterMember));
    },
    clear: () => {
      calls.length = 0;
    },
    clearFaults: () => {
      faults.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
