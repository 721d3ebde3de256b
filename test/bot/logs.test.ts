import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/tencs/commands.js';
import { VERBS } from '../../src/cards/verbs.js';
import { cardOf, execute, message, newUser, startTestBot, type TestBot } from '../helpers/bot-harness.js';
import { press } from '../helpers/card-driver.js';
import { completeAssessment } from '../helpers/full-assessment.js';

/** Distinctive text no code path would produce by itself: if it reaches a log line, typed text leaked. */
const MARK = 'zq7-leakmark';

describe('logs carry ids and events, never what a practitioner typed', () => {
  let bot: TestBot;

  beforeAll(async () => {
    bot = await startTestBot();
  });
  afterAll(async () => {
    await bot.close();
  });

  it('when every command and card verb is driven with marked text, then no log line contains it', async () => {
    const user = newUser(`Practitioner ${MARK}-name`);
    const typed = [
      `hello ${MARK}-greeting`,
      `${MARK}-unrecognised free text about a child`,
      ...COMMANDS.map((command) => `${command.replace('-', ' ')} ${MARK}-${command}`),
      `start CASE-${MARK}`,
      `delete CASE-${MARK}`,
      `export CASE-${MARK}`,
      `audit CASE-${MARK}`,
    ];
    for (const text of typed) {
      const result = await bot.send(message(bot, user, text));
      expect(result.status).toBeLessThan(500);
    }
    for (const verb of Object.values(VERBS)) {
      const result = await bot.send(
        execute(bot, user, verb, { caseRef: `CASE-${MARK}`, answer: `${MARK}-answer`, notes: `${MARK}-notes`, assessmentId: `${MARK}-id`, c: 'context' }),
      );
      expect(result.status).toBeLessThan(600);
    }
    expect(bot.logLines.length).toBeGreaterThan(typed.length);
    const leaking = bot.logLines.filter((line) => line.includes(MARK));
    expect(leaking).toEqual([]);
  });

  it('when a full assessment is typed, viewed, exported, audited and deleted, then no log line holds any answer or the case reference', async () => {
    const user = newUser();
    const caseRef = 'CR-LOGMARK-77';
    const before = bot.logLines.length;
    await completeAssessment(bot, user, caseRef, (field, step) => `${MARK} ${step} ${field} the young person disclosed something`);
    await bot.send(message(bot, user, `export ${caseRef}`));
    await bot.send(message(bot, user, `audit ${caseRef}`));
    const confirm = await bot.send(message(bot, user, `delete ${caseRef}`));
    const deleted = await press(bot, user, cardOf(confirm), 'tencs.privacy.delete.confirm');
    expect(deleted.status).toBe(200);
    const lines = bot.logLines.slice(before);
    // The turns were logged (events and ids), just never their content.
    expect(lines.some((l) => l.includes('"event":"audit"'))).toBe(true);
    expect(lines.some((l) => l.includes('"event":"privacy.deleted"'))).toBe(true);
    const leaking = lines.filter((line) => line.includes(MARK) || line.includes('disclosed') || line.toLowerCase().includes(caseRef.toLowerCase()));
    expect(leaking).toEqual([]);
  });
});
