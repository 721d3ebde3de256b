import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARDS_DIR, templateNames } from '../../src/cards/render.js';
import { VERBS } from '../../src/cards/verbs.js';
import { execute, newUser, startTestBot, type TestBot } from '../helpers/bot-harness.js';
import { executeActions } from '../helpers/card-driver.js';
import { CARD_SAMPLES } from '../helpers/card-samples.js';

/** Every Action.Execute verb any card can carry: written in a template, or in a rendered sample. */
function verbsInCards(): string[] {
  const verbs = new Set<string>();
  for (const name of templateNames()) {
    const template = readFileSync(path.join(CARDS_DIR, `${name}.json`), 'utf8');
    for (const m of template.matchAll(/"verb"\s*:\s*"([^"]+)"/g)) verbs.add(m[1]!);
    for (const card of CARD_SAMPLES[name]?.() ?? []) for (const a of executeActions(card)) verbs.add(a.verb);
  }
  return [...verbs].sort();
}

describe('every card verb has a handler', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot();
  });
  afterAll(async () => {
    await bot.close();
  });

  it('when cards are scanned, then every verb is a literal listed in VERBS', () => {
    const known = new Set<string>(Object.values(VERBS));
    expect(verbsInCards().filter((v) => v.includes('${') || !known.has(v))).toEqual([]);
  });

  it('when a verb nobody handles is invoked, then the bot says so with 501 (the control for the test below)', async () => {
    const r = await bot.send(execute(bot, newUser(), 'tencs.no-such-verb', {}));
    expect(r.status).toBe(501);
  });

  it('when each verb used in any card is invoked, then a handler answers it with a card or a message', async () => {
    const verbs = verbsInCards();
    expect(verbs.length).toBeGreaterThan(10);
    const unanswered: string[] = [];
    for (const verb of verbs) {
      const r = await bot.send(execute(bot, newUser(), verb, {}));
      const body = r.body as { statusCode?: number; type?: string } | undefined;
      if (r.status !== 200 || body?.statusCode !== 200 || !/card\.adaptive|activity\.message/.test(body?.type ?? ''))
        unanswered.push(`${verb} -> ${r.status} ${(JSON.stringify(r.body) ?? 'no body').slice(0, 160)}`);
    }
    expect(unanswered).toEqual([]);
  });
});
