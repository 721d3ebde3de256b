import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildDependencies } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { newUser, startTestBot, uniquePrefix, type TestBot } from '../helpers/bot-harness.js';
import { completeAssessment } from '../helpers/full-assessment.js';

/** Every entity of every table under a prefix, as the storage account holds it (no decryption). */
async function rawEntities(bot: TestBot): Promise<Record<string, unknown>[]> {
  const prefix = bot.deps.config.tablePrefix;
  const out: Record<string, unknown>[] = [];
  for await (const t of bot.deps.tables.service().listTables()) {
    if (!t.name?.startsWith(prefix)) continue;
    for await (const e of bot.deps.tables.table(t.name.slice(prefix.length)).listEntities()) out.push({ table: t.name, ...e });
  }
  return out;
}

describe('answers are encrypted before they reach Table Storage', () => {
  let bot: TestBot;
  const user = newUser();
  const MARK = 'rest7q';

  beforeAll(async () => {
    bot = await startTestBot();
    await completeAssessment(bot, user, 'CR-REST-1', (field, step) => `${MARK} ${step} ${field}: she said the older boy asked for photos`);
  });
  afterAll(async () => {
    await bot.close();
  });

  it('when a whole assessment is completed, then no table (assessments, audit, any other) holds any typed text in the clear', async () => {
    const entities = await rawEntities(bot);
    expect(entities.length).toBeGreaterThan(1);
    const raw = JSON.stringify(entities);
    expect(raw).not.toContain(MARK);
    expect(raw).not.toContain('older boy');
    expect(raw).not.toContain(Buffer.from('older boy').toString('base64'));
  });

  it('when the raw assessment entity is read, then each free-text field is an AES-GCM envelope naming the active key', async () => {
    const [entity] = (await rawEntities(bot)).filter((e) => String(e.table).endsWith('assessments'));
    const keyId = bot.deps.cipher.activeKeyId;
    const textFields = Object.entries(entity!).filter(([k]) =>
      /Strengths|Vulnerabilities|YoungPersonView|ParentView|NextSteps|Analysis|Impact|OfflineOther|participantsOther/.test(k),
    );
    expect(textFields.length).toBeGreaterThanOrEqual(9 * 5);
    for (const [name, value] of textFields) expect(String(value), name).toMatch(new RegExp(`^e1\\.${keyId}\\.[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
    // What stays readable is what listing and retention need: ids, status, dates, the pseudonymous case reference.
    expect(entity!.caseRef).toBe('CR-REST-1');
  });
});

describe('local runs keep a development key', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tencs-devkey-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('when no ENCRYPTION_KEYS is set on a local run, then a key file is created (owner-only) and reused after a restart', async () => {
    const file = path.join(dir, 'dev-encryption-key');
    const config = loadConfig({
      BOT_AUTH: 'disabled',
      HOST: '127.0.0.1',
      TABLES_CONNECTION_STRING: inject('tablesConnectionString'),
      TABLE_PREFIX: uniquePrefix(),
      DEV_KEY_FILE: file,
      LOG_LEVEL: 'silent',
    });
    const first = await buildDependencies(config, createLogger('silent'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const keyText = readFileSync(file, 'utf8');
    const context = 'assessments|owner|row|strengths';
    const stored = first.cipher.encrypt('kept across restarts', context);

    const second = await buildDependencies(config, createLogger('silent'));
    expect(readFileSync(file, 'utf8')).toBe(keyText);
    expect(second.cipher.decrypt(stored, context)).toBe('kept across restarts');
  });
});
