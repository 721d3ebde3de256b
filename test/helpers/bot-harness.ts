import { randomBytes, randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { buildDependencies, type Dependencies, type DependencyOptions } from '../../src/compose.js';
import { createServer, listen, type RunningServer } from '../../src/server.js';
import { startConnector, type LoopbackConnector } from './connector.js';

/** A Teams user as the bot sees them. */
export interface TestUser {
  readonly id: string;
  readonly aadObjectId: string;
  readonly name: string;
  readonly tenantId: string;
  /** Their personal chat with the bot. */
  readonly conversationId: string;
}

/** What one POST to /api/messages produced. */
export interface TurnResult {
  readonly status: number;
  /** The HTTP response body (invoke responses carry the next card here). */
  readonly body: unknown;
  /** Activities the bot sent to the connector during this turn. */
  readonly sent: Record<string, unknown>[];
}

/** A real tencs server on port 0 against the shared Azurite, with a loopback connector. */
export interface TestBot {
  readonly url: string;
  readonly connector: LoopbackConnector;
  readonly deps: Dependencies;
  /** Every JSON log line written so far. */
  readonly logLines: string[];
  /** Posts one activity; `headers` adds e.g. an Authorization header for auth-enabled bots. */
  send(activity: Record<string, unknown>, headers?: Record<string, string>): Promise<TurnResult>;
  /** Builds a new server against the same tables (a restart); the old one is closed. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export const TEST_TENANT = '11111111-1111-4111-8111-111111111111';

/** A fresh user in the test tenant. */
export function newUser(name = 'Practitioner', tenantId = TEST_TENANT): TestUser {
  const aad = randomUUID();
  return { id: `29:${aad}`, aadObjectId: aad, name, tenantId, conversationId: `a:personal-${aad}` };
}

/** A unique table prefix so test files never see each other's data. */
export function uniquePrefix(): string {
  return `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

function base(user: TestUser, serviceUrl: string): Record<string, unknown> {
  return {
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: user.id, aadObjectId: user.aadObjectId, name: user.name },
    recipient: { id: '28:tencs-bot', name: 'tencs' },
    conversation: { id: user.conversationId, conversationType: 'personal', tenantId: user.tenantId },
    channelData: { tenant: { id: user.tenantId } },
    locale: 'en-GB',
  };
}

/** Starts the real server with auth disabled on loopback (as `npm start` does). */
export async function startTestBot(env: Record<string, string> = {}, options: DependencyOptions = {}): Promise<TestBot> {
  const connector = await startConnector();
  const logStream = new PassThrough();
  const logLines: string[] = [];
  logStream.on('data', (chunk: Buffer) => logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  const config = loadConfig({
    BOT_AUTH: 'disabled',
    HOST: '127.0.0.1',
    PORT: '0',
    TABLES_CONNECTION_STRING: inject('tablesConnectionString'),
    TABLE_PREFIX: uniquePrefix(),
    LOG_LEVEL: 'info',
    ENCRYPTION_KEYS: `test:${randomBytes(32).toString('base64')}`,
    // The behavioural suites run once per host: BOT_HOST=teams-sdk (npm run test:teams-sdk) picks the Teams SDK.
    ...(process.env.BOT_HOST ? { BOT_HOST: process.env.BOT_HOST } : {}),
    ...env,
  });
  let deps!: Dependencies;
  let running!: RunningServer;
  const boot = async () => {
    deps = await buildDependencies(config, createLogger(config.logLevel, logStream), options);
    running = await listen(
      createServer({ bot: deps.bot, storageHealthy: deps.storageHealthy, logger: deps.logger, maxBodyBytes: config.maxBodyBytes }),
      config.host,
      0,
    );
  };
  await boot();
  const harness: TestBot = {
    get url() {
      return running.url;
    },
    connector,
    get deps() {
      return deps;
    },
    logLines,
    async send(activity, headers = {}) {
      const before = connector.calls.length;
      const res = await fetch(`${running.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(activity),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // Not JSON: keep the raw text for the assertion to show.
      }
      return { status: res.status, body, sent: connector.calls.slice(before).map((c) => c.body) };
    },
    async restart() {
      await running.close();
      await boot();
    },
    async close() {
      await running.close();
      await connector.close();
    },
  };
  return harness;
}

/** A message the user typed. */
export function message(bot: Pick<TestBot, 'connector'>, user: TestUser, text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...base(user, bot.connector.url), type: 'message', text, ...extra };
}

/** An Action.Execute from a card (Teams sends these as adaptiveCard/action invokes). */
export function execute(bot: Pick<TestBot, 'connector'>, user: TestUser, verb: string, data: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...base(user, bot.connector.url),
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}

/** The bot being installed in the user's personal scope. */
export function installed(bot: Pick<TestBot, 'connector'>, user: TestUser): Record<string, unknown> {
  return {
    ...base(user, bot.connector.url),
    type: 'conversationUpdate',
    membersAdded: [{ id: '28:tencs-bot' }],
  };
}

/** The Adaptive Card in an invoke response body, or in the last activity the bot sent. */
export function cardOf(result: TurnResult): Record<string, unknown> {
  const body = result.body as { statusCode?: number; type?: string; value?: unknown } | undefined;
  if (body?.type === 'application/vnd.microsoft.card.adaptive' && body.value) return body.value as Record<string, unknown>;
  for (const activity of [...result.sent].reverse()) {
    const attachments = (activity.attachments as { contentType: string; content: Record<string, unknown> }[] | undefined) ?? [];
    const card = attachments.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
    if (card) return card.content;
  }
  throw new Error(`No Adaptive Card in turn result: ${JSON.stringify(result).slice(0, 500)}`);
}

/** All text a card shows (TextBlocks, TextRuns, facts, titles), flattened for assertions. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (typeof v === 'string' && ['text', 'title', 'value', 'label', 'placeholder'].includes(k)) out.push(v);
        else walk(v);
      }
    }
  };
  walk(card);
  return out.join('\n');
}
