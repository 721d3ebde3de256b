/**
 * The floor we measure against: a bare echo bot on botbuilder's CloudAdapter and restify 11, with
 * the same authentication settings as tencs (channel tokens checked against BOT_OPENID_METADATA,
 * outgoing token from Entra ID) and the same body parser. It stores nothing. Run as its own
 * process by bench/run.ts: `node --import tsx --import ./bench/login-redirect.ts bench/baseline-bot.ts`.
 */
import { randomBytes } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import restify from 'restify';
import { CardFactory, CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import { PUBLIC_CLOUD_AUTH } from './public-cloud.js';

const env = process.env;
const required = (name: string): string => {
  const value = env[name];
  if (!value) throw new Error(`baseline bot needs ${name}`);
  return value;
};

const auth = new ConfigurationBotFrameworkAuthentication({
  MicrosoftAppId: required('BOT_ID'),
  MicrosoftAppPassword: required('BOT_PASSWORD'),
  MicrosoftAppTenantId: required('BOT_TENANT_ID'),
  MicrosoftAppType: 'SingleTenant',
  ...PUBLIC_CLOUD_AUTH,
  ToBotFromChannelOpenIdMetadataUrl: required('BOT_OPENID_METADATA'),
});
const adapter = new CloudAdapter(auth);
adapter.onTurnError = async (context: TurnContext, error: Error) => {
  process.stderr.write(`baseline turn error: ${error.name}\n`);
  if (context.activity.type === 'invoke') {
    await context.sendActivity({ type: 'invokeResponse', value: { status: 500 } });
    return;
  }
  await context.sendActivity('Sorry, something went wrong.');
};

function card(text: string): object {
  return {
    type: 'AdaptiveCard',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: 'Echo', weight: 'Bolder', wrap: true },
      { type: 'TextBlock', text, wrap: true },
    ],
    actions: [{ type: 'Action.Execute', title: 'Again', verb: 'echo.again', data: {} }],
  };
}

/**
 * The storage baseline (BASELINE_STORAGE=1): the same bare bot, but each turn makes one point read and
 * one write (If-Match Replace, or insert the first time) of an entity the size of a tencs assessment in
 * the same Azurite, keyed by the sender: the unavoidable cost of keeping state.
 */
const storage =
  env.BASELINE_STORAGE === '1'
    ? TableClient.fromConnectionString(required('TABLES_CONNECTION_STRING'), `${env.TABLE_PREFIX ?? 'bench'}baseline`, { allowInsecureConnection: true })
    : undefined;
let tableReady: Promise<unknown> | undefined;
/** About 6 KB in 40 string properties, the size of a half-completed assessment with encrypted answers. */
const PAYLOAD: Record<string, string> = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}`, randomBytes(110).toString('base64')]));

async function readAndWrite(context: TurnContext): Promise<void> {
  if (!storage) return;
  tableReady ??= storage.createTable().catch(() => undefined);
  await tableReady;
  const pk = encodeURIComponent(context.activity.from?.aadObjectId ?? context.activity.from?.id ?? 'unknown');
  let etag: string | undefined;
  let rev = 0;
  try {
    const e = await storage.getEntity<{ rev?: number }>(pk, 'state');
    etag = e.etag;
    rev = e.rev ?? 0;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  const entity = { partitionKey: pk, rowKey: 'state', rev: rev + 1, ...PAYLOAD };
  if (etag) await storage.updateEntity(entity, 'Replace', { etag });
  else await storage.upsertEntity(entity, 'Replace');
}

async function logic(context: TurnContext): Promise<void> {
  const activity = context.activity;
  await readAndWrite(context);
  if (activity.type === 'message') {
    await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card(activity.text ?? ''))] });
    return;
  }
  if (activity.type === 'invoke' && activity.name === 'adaptiveCard/action') {
    const verb = (activity.value as { action?: { verb?: string } } | undefined)?.action?.verb ?? '';
    await context.sendActivity({
      type: 'invokeResponse',
      value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card(verb) } },
    });
  }
}

const server = restify.createServer({ name: 'baseline', handleUncaughtExceptions: false });
server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false, rejectUnknown: true }));
server.post('/api/messages', async (req, res) => {
  await adapter.process(req, res, logic);
});
server.get('/healthz', (_req, res, next) => {
  res.json({ status: 'ok' });
  next();
});
server.listen(Number(env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`baseline listening on ${server.url}\n`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
});
