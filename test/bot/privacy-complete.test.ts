import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { ASSESSMENTS_TABLE, assessmentIdFor } from '../../src/storage/assessment-repository.js';
import { ownerKey } from '../../src/storage/owner-key.js';
import type { Assessment } from '../../src/tencs/assessment.js';
import { cardOf, cardText, message, newUser, startTestBot, type TestBot, type TurnResult } from '../helpers/bot-harness.js';
import { press } from '../helpers/card-driver.js';

const cardsOf = (r: TurnResult) =>
  r.sent.flatMap((a) => ((a.attachments as { contentType: string; content: Record<string, unknown> }[] | undefined) ?? []).map((x) => x.content));

const DAY = 24 * 60 * 60 * 1000;

describe('data-rights commands are complete, however many assessments the owner has', () => {
  let bot: TestBot;
  const practitioner = newUser('Pat Practitioner');
  const owner = { tenantId: practitioner.tenantId, aadObjectId: practitioner.aadObjectId };
  let oldest: Assessment;

  beforeAll(async () => {
    bot = await startTestBot({ RATE_LIMIT_BURST: '1000' });
    // The owner's oldest assessment, then 1,100 newer ones: more than the 1,000 the old lookup read.
    const at = new Date(Date.now() - 60 * DAY);
    oldest = {
      id: assessmentIdFor(randomUUID(), at),
      tenantId: owner.tenantId,
      ownerId: owner.aadObjectId,
      status: 'completed',
      step: 'complete',
      cautionsAcknowledged: true,
      setup: {
        caseRef: 'CR-OLDEST',
        ageBand: '14-15',
        participants: ['young-person'],
        participantsOther: 'Oldest participants note',
        assessedOn: '2025-01-01',
      },
      answers: {},
      rev: 3,
      stepRevs: {},
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
      completedAt: at.toISOString(),
    };
    await bot.deps.assessmentRepository.create(oldest);
    const table = bot.deps.tables.table(ASSESSMENTS_TABLE);
    const pk = ownerKey(owner);
    for (let i = 0; i < 1100; i += 100) {
      await table.submitTransaction(
        Array.from({ length: 100 }, (_, j): ['create', { partitionKey: string; rowKey: string; [k: string]: unknown }] => {
          const when = new Date(Date.now() - (i + j) * 60_000);
          return [
            'create',
            {
              partitionKey: pk,
              rowKey: assessmentIdFor(randomUUID(), when),
              v: 1,
              tenantId: owner.tenantId,
              ownerId: owner.aadObjectId,
              status: 'in-progress',
              step: 'setup',
              rev: 1,
              stepRevs: '{}',
              cautionsAcknowledged: true,
              caseRef: `CR-FILL-${i + j}`,
              createdAt: when.toISOString(),
              updatedAt: when.toISOString(),
            },
          ];
        }),
      );
    }
  }, 120_000);
  afterAll(async () => {
    await bot.close();
  });

  it('when the owner exports, audits and deletes a case older than their newest 1,000 assessments, then it is found, exported and erased', async () => {
    const exported = cardsOf(await bot.send(message(bot, practitioner, 'export CR-OLDEST')))
      .map(cardText)
      .join('\n');
    expect(exported).toContain('Oldest participants note');

    const audit = cardsOf(await bot.send(message(bot, practitioner, 'audit CR-OLDEST')))
      .map(cardText)
      .join('\n');
    expect(audit).toMatch(/Exported all stored data/);

    const confirm = cardsOf(await bot.send(message(bot, practitioner, 'delete CR-OLDEST')))[0]!;
    expect(cardText(confirm)).toContain('CR-OLDEST');
    const deleted = await press(bot, practitioner, confirm, VERBS.privacyDeleteConfirm);
    expect(cardText(cardOf(deleted))).toMatch(/Assessment deleted/);
    expect(await bot.deps.assessmentRepository.get(owner, oldest.id)).toBeUndefined();

    // After erasure, the trail still answers from the case index (the assessment row is gone).
    const after = cardsOf(await bot.send(message(bot, practitioner, 'audit CR-OLDEST')))
      .map(cardText)
      .join('\n');
    expect(after).toMatch(/Deleted the assessment/);
  }, 120_000);
});
