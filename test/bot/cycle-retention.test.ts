import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { cardOf, cardText, message, newUser, startTestBot, type TestBot, type TestUser } from '../helpers/bot-harness.js';
import { executeActions, press } from '../helpers/card-driver.js';
import { completeAssessment } from '../helpers/full-assessment.js';

type Card = Record<string, unknown>;
const DAY = 86_400_000;

describe('retention by case: warning in personal chat, keep, deletion after the period', () => {
  let clock = new Date();
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ RATE_LIMIT_BURST: '1000', RATE_LIMIT_PER_MINUTE: '1000' }, { now: () => clock });
  });
  afterAll(async () => {
    await bot.close();
  });

  const warningsTo = (u: TestUser): Card[] =>
    bot.connector.calls
      .filter((c) => c.method === 'POST' && c.conversationId === u.conversationId)
      .flatMap((c) => (c.body.attachments as { content: Card }[] | undefined) ?? [])
      .map((a) => a.content)
      .filter((card) => executeActions(card).some((a) => a.verb === VERBS.retentionKeep));

  it(
    'when a case has had no activity for CASE_RETENTION_DAYS, then its owner is warned two weeks before; a kept case stays, the other goes after the warning stood',
    { timeout: 120_000 },
    async () => {
      const start = Date.now();
      clock = new Date(start);
      const user = newUser();
      const owner = { tenantId: user.tenantId, aadObjectId: user.aadObjectId };
      await bot.send(message(bot, user, 'help'));
      const kept = await completeAssessment(bot, user, 'CR-7301', (f, s) => `${f} ${s}`);
      const gone = await completeAssessment(bot, user, 'CR-7302', (f, s) => `${f} ${s}`);
      const at = (days: number) => new Date(start + days * DAY);

      // Well past the old 90 days, and three weeks before the case period (396 days) ends: nothing happens.
      clock = at(375);
      expect((await bot.deps.privacy.purgeExpired()).assessments).toBe(0);
      expect(warningsTo(user)).toHaveLength(0);

      // Ten days before: one warning per case, in personal chat; nothing deleted yet.
      clock = at(386);
      expect((await bot.deps.privacy.purgeExpired()).assessments).toBe(0);
      const warnings = warningsTo(user);
      expect(warnings.map(cardText).join('\n')).toContain('CR-7301');
      expect(warnings.map(cardText).join('\n')).toContain('CR-7302');
      expect(warnings).toHaveLength(2);
      // The next run does not warn again.
      await bot.deps.privacy.purgeExpired();
      expect(warningsTo(user)).toHaveLength(2);

      // The owner keeps CR-7301 (audited).
      const keepCard = warnings.find((w) => cardText(w).includes('CR-7301'))!;
      expect(cardText(cardOf(await press(bot, user, keepCard, VERBS.retentionKeep)))).toContain('Kept for another period');
      const audit = cardText(cardOf(await bot.send(message(bot, user, 'audit CR-7301'))));
      expect(audit).toContain('Chose to keep the case for another retention period');
      // Someone else pressing Keep with this case reference keeps nothing of this owner's.
      const other = newUser('Other');
      expect(cardText(cardOf(await press(bot, other, keepCard, VERBS.retentionKeep)))).toContain('You have no assessment of case CR-7301');

      // After the period and the warning: CR-7302 is deleted (audited as purged); CR-7301 and everything of it stays.
      clock = at(401);
      expect((await bot.deps.privacy.purgeExpired()).assessments).toBe(1);
      expect(await bot.deps.assessmentRepository.get(owner, gone.id)).toBeUndefined();
      expect((await bot.deps.assessmentRepository.get(owner, kept.id))?.assessment.answers.confidentiality?.strengths).toBe('strengths c1');
      // Data rights: the export of the kept case lists the keep; the deleted case leaves no reminder or retention row behind.
      const exported = JSON.stringify((await bot.send(message(bot, user, 'export CR-7301'))).sent);
      expect(exported).toContain('Kept by your choice until at least');
      const rows: string[] = [];
      for await (const e of bot.deps.tables
        .table('reminders')
        .listEntities({ queryOptions: { filter: `PartitionKey eq '${encodeURIComponent(owner.tenantId)}:${encodeURIComponent(owner.aadObjectId)}'` } }))
        rows.push(String(e.rowKey));
      expect(rows).toContain('case|cr-7301');
      expect(rows.filter((r) => r.includes('cr-7302') || r.includes(gone.id))).toEqual([]);
      const list = cardText(cardOf(await bot.send(message(bot, user, 'my assessments'))));
      expect(list).toContain('CR-7301');
      expect(list).not.toContain('CR-7302');
    },
  );
});
