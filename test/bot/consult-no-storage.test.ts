import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TableClient, TableServiceClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CARDS_DIR, templateNames } from '../../src/cards/render.js';
import { VERBS } from '../../src/cards/verbs.js';
import { PRACTICE_EXAMPLE } from '../../src/tencs/consult.js';
import { TEN_CS } from '../../src/tencs/ten-cs.js';
import { AGE_BANDS } from '../../src/tencs/assessment.js';
import { cardOf, execute, message, newUser, startTestBot, type TestBot, type TestUser } from '../helpers/bot-harness.js';
import { channelExecute, channelMessage, newChannel, type TestChannel } from '../helpers/channel.js';
import { startTableProxy, writesIn, type TableProxy } from '../helpers/table-proxy.js';

const COMMANDS = [
  'consult',
  'consult contact',
  'consult contact for a 12-year-old',
  'consult 5',
  'consult C5',
  'consult Contcat',
  'consult self disclosure',
  'consult cont',
  'consult Zebedee',
  'cautions',
  'practice example',
  'practice example contact',
  'changes',
  'standards',
];

/** Every verb the consultation cards carry, read from the templates, so a new button cannot escape this test. */
function consultationVerbs(): string[] {
  const verbs = new Set<string>();
  for (const name of templateNames().filter((n) => n.startsWith('consult-'))) {
    const json = readFileSync(path.join(CARDS_DIR, `${name}.json`), 'utf8');
    for (const m of json.matchAll(/"verb":\s*"([^"]+)"/g)) verbs.add(m[1]!);
  }
  // "Start an assessment" leaves the consultation on purpose: it is the assessment's own verb and stores by design.
  verbs.delete(VERBS.start);
  return [...verbs].sort();
}

/** Data to press each verb with: every C, every step of the example, and empty data. */
function pressesFor(verb: string): Record<string, unknown>[] {
  if (verb === VERBS.consultC) return TEN_CS.map((c) => ({ c: c.id }));
  if (verb === VERBS.consultTogether) return TEN_CS.map((c, i) => ({ c: c.id, band: AGE_BANDS[i % AGE_BANDS.length] }));
  if (verb === VERBS.practiceExample) return Array.from({ length: PRACTICE_EXAMPLE.steps.length + 1 }, (_, step) => ({ step }));
  return [{}];
}

/** Every table under this test's prefix, with the keys and ETags of every entity in it. */
async function snapshot(prefix: string): Promise<Record<string, string[]>> {
  const connectionString = inject('tablesConnectionString');
  const service = TableServiceClient.fromConnectionString(connectionString, { allowInsecureConnection: true });
  const out: Record<string, string[]> = {};
  for await (const table of service.listTables()) {
    if (!table.name?.startsWith(prefix)) continue;
    const client = TableClient.fromConnectionString(connectionString, table.name, { allowInsecureConnection: true });
    const rows: string[] = [];
    for await (const e of client.listEntities()) rows.push(`${e.partitionKey}|${e.rowKey}|${e.etag}`);
    out[table.name] = rows.sort();
  }
  return out;
}

describe('a consultation writes nothing to storage', () => {
  let proxy: TableProxy;
  let bot: TestBot;
  let prefix: string;
  beforeAll(async () => {
    proxy = await startTableProxy(inject('azuritePort'));
    bot = await startTestBot({ TABLES_CONNECTION_STRING: proxy.connectionString, RATE_LIMIT_BURST: '100000' });
    prefix = bot.deps.config.tablePrefix;
  });
  afterAll(async () => {
    await bot.close();
    await proxy.close();
  });

  it('when every consultation command and every consultation button is used in personal chat and in a channel, then no table is created and no entity written', async () => {
    // The bot's table traffic really goes through the proxy: the health check's storage ping shows up there.
    const seenBefore = proxy.requests.length;
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    expect(proxy.requests.length).toBeGreaterThan(seenBefore);

    const before = await snapshot(prefix);
    const mark = proxy.requests.length;
    const user: TestUser = newUser();
    const channel: TestChannel = newChannel();
    const verbs = consultationVerbs();
    expect(verbs).toEqual(
      [VERBS.cautions, VERBS.changes, VERBS.consultList, VERBS.consultC, VERBS.consultTogether, VERBS.practiceExample, VERBS.standards].sort(),
    );

    let turns = 0;
    for (const text of COMMANDS) {
      for (const activity of [message(bot, user, text), channelMessage(bot, user, channel, text)]) {
        const result = await bot.send(activity);
        expect(result.status, text).toBe(200);
        expect(cardOf(result).type, text).toBe('AdaptiveCard');
        turns++;
      }
    }
    for (const verb of verbs) {
      for (const data of pressesFor(verb)) {
        for (const activity of [execute(bot, user, verb, data), channelExecute(bot, user, channel, verb, data)]) {
          const result = await bot.send(activity);
          expect(result.status, verb).toBe(200);
          expect(cardOf(result).type, verb).toBe('AdaptiveCard');
          turns++;
        }
      }
    }
    expect(turns).toBe(2 * (COMMANDS.length + verbs.reduce((n, v) => n + pressesFor(v).length, 0)));

    expect(writesIn(proxy.requests.slice(mark))).toEqual([]);
    expect(await snapshot(prefix)).toEqual(before);
  });

  it("when something does write through the bot's own table factory, then this test sees it (the check can fail)", async () => {
    const before = await snapshot(prefix);
    const mark = proxy.requests.length;
    const control = bot.deps.tables.table('consultcontrol');
    await control.createTable();
    await control.upsertEntity({ partitionKey: 'p', rowKey: 'r' });
    expect(writesIn(proxy.requests.slice(mark)).map((r) => r.method)).toEqual(['POST', 'PATCH']);
    const after = await snapshot(prefix);
    expect(after).not.toEqual(before);
    expect(Object.keys(after)).toContain(`${prefix}consultcontrol`);
  });
});
