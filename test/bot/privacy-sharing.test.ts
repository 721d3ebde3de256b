import { odata } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { SHARES_TABLE, SUPERVISION_TABLE } from '../../src/storage/share-repository.js';
import { shareIdFor } from '../../src/tencs/sharing.js';
import { cardOf, cardText, execute, message, newUser, startTestBot, type TestBot, type TestUser, type TurnResult } from '../helpers/bot-harness.js';
import { press } from '../helpers/card-driver.js';
import { channelExecute, newTeam, teamUpdate, type TestChannel } from '../helpers/channel.js';
import { completeAssessment } from '../helpers/full-assessment.js';

const ownerOf = (u: TestUser) => ({ tenantId: u.tenantId, aadObjectId: u.aadObjectId });

const cardsOf = (r: TurnResult) =>
  r.sent.flatMap((a) => ((a.attachments as { contentType: string; content: Record<string, unknown> }[] | undefined) ?? []).map((x) => x.content));

describe('deleting a shared assessment takes it out of the channel and deletes its supervision record', () => {
  let bot: TestBot;
  // The purge keeps a case until its owner has been warned for two weeks (case retention): a movable clock.
  let clockShift = 0;
  const practitioner = newUser('Pat Practitioner');
  const manager = newUser('Morgan Manager');
  const team = newTeam('Children in Need East');

  beforeAll(async () => {
    bot = await startTestBot({ RATE_LIMIT_BURST: '1000' }, { now: () => new Date(Date.now() + clockShift) });
    bot.connector.members(team.teamId, [practitioner.id, manager.id]);
    await bot.send(teamUpdate(bot, manager, team, 'added'));
  });
  afterAll(async () => {
    await bot.close();
  });

  /** Completes, shares, and has the manager acknowledge and note it; returns the ids and thread. */
  async function sharedAssessment(caseRef: string) {
    const { id } = await completeAssessment(bot, practitioner, caseRef, (field, step) => `${step} ${field} typed`);
    const posted = await bot.send(execute(bot, practitioner, VERBS.sharePost, { assessmentId: id, teamId: team.teamId, supervisors: manager.aadObjectId }));
    expect(cardText(cardOf(posted))).toMatch(/Shared with your team/);
    const shareId = shareIdFor(practitioner.tenantId, id, team.teamId);
    const share = (await bot.deps.shares.get(practitioner.tenantId, shareId))!.share;
    const thread: TestChannel = { teamId: team.teamId, channelId: team.channelId, rootMessageId: share.activityId!, conversationId: share.conversationId! };
    await bot.send(channelExecute(bot, manager, thread, VERBS.shareAck, { shareId }));
    await bot.send(channelExecute(bot, manager, thread, VERBS.shareNote, { shareId, note: `Supervision note about ${caseRef}: discuss Thursday.` }));
    return { id, shareId, share, thread };
  }

  async function rowsFor(shareId: string): Promise<{ shares: unknown[]; supervision: unknown[] }> {
    const shares: unknown[] = [];
    for await (const e of bot.deps.tables.table(SHARES_TABLE).listEntities({ queryOptions: { filter: odata`RowKey eq ${shareId}` } })) shares.push(e);
    const supervision: unknown[] = [];
    for await (const e of bot.deps.tables
      .table(SUPERVISION_TABLE)
      .listEntities({ queryOptions: { filter: odata`PartitionKey eq ${`${practitioner.tenantId}|${shareId}`}` } }))
      supervision.push(e);
    return { shares, supervision };
  }

  const channelUpdates = (thread: TestChannel) => bot.connector.calls.filter((c) => c.method === 'PUT' && c.conversationId === thread.conversationId);

  it('when the owner exports a shared case, then the export includes the share, who acknowledged it and every supervision note', async () => {
    await sharedAssessment('CR-SHARE-EXP');
    const text = cardsOf(await bot.send(message(bot, practitioner, 'export CR-SHARE-EXP')))
      .map(cardText)
      .join('\n');
    expect(text).toContain(`Shared to ${team.name}`);
    expect(text).toContain('Morgan Manager');
    expect(text).toContain('Supervision note about CR-SHARE-EXP: discuss Thursday.');
  });

  it('when a member of the team it was shared to types audit with the case reference, then they see its trail; someone outside the team does not', async () => {
    const { id } = await sharedAssessment('CR-SHARE-AUD');
    const seen = cardsOf(await bot.send(message(bot, manager, 'audit CR-SHARE-AUD')))
      .map(cardText)
      .join('\n');
    expect(seen).toMatch(/Shared the summary to a team channel \([^)]+\), by user/);
    expect(seen).toMatch(/Acknowledged the shared summary \(share-ack\), by you/);
    expect(seen).not.toContain('typed');
    const trail = await bot.deps.audit.listForAssessments([id]);
    expect(trail.some((e) => e.action === 'audit-viewed' && e.actorId === manager.aadObjectId && e.detail === 'as-team-member')).toBe(true);

    const outsider = newUser('Olu Outsider');
    const refused = cardsOf(await bot.send(message(bot, outsider, 'audit CR-SHARE-AUD')))
      .map(cardText)
      .join('\n');
    expect(refused).toMatch(/No assessment of yours has that case reference/);
    expect(refused).not.toContain('Shared the summary');
  });

  it('when the owner deletes it, then the channel card is replaced with the removed card and the share, acks and notes are gone', async () => {
    const { id, shareId, thread } = await sharedAssessment('CR-SHARE-DEL');
    expect((await rowsFor(shareId)).supervision).toHaveLength(2);
    const confirm = cardsOf(await bot.send(message(bot, practitioner, 'delete CR-SHARE-DEL')))[0]!;
    bot.connector.clear();
    const deleted = await press(bot, practitioner, confirm, VERBS.privacyDeleteConfirm);
    expect(cardText(cardOf(deleted))).toMatch(/Assessment deleted/);

    const [update] = channelUpdates(thread);
    expect(update).toBeDefined();
    const shown = cardText((update!.body as { attachments: { content: unknown }[] }).attachments[0]!.content);
    expect(shown).not.toContain('CR-SHARE-DEL');
    expect(shown).not.toContain('discuss Thursday');
    expect(await rowsFor(shareId)).toEqual({ shares: [], supervision: [] });
    expect(await bot.deps.assessmentRepository.get(ownerOf(practitioner), id)).toBeUndefined();
    const trail = await bot.deps.audit.listForAssessments([id]);
    expect(trail.some((e) => e.action === 'unshared' && e.detail === `channel-card-removed:${shareId}`)).toBe(true);
  });

  it('when the retention purge deletes a shared assessment, then the channel card is replaced and the share is gone too', async () => {
    const { id, shareId, thread } = await sharedAssessment('CR-SHARE-OLD');
    const stored = (await bot.deps.assessmentRepository.get(ownerOf(practitioner), id))!;
    const longAgo = new Date(Date.now() - 400 * 24 * 60 * 60 * 1000).toISOString();
    await bot.deps.assessmentRepository.replace({ ...stored.assessment, updatedAt: longAgo }, stored.etag);
    bot.connector.clear();
    const DAY = 24 * 60 * 60 * 1000;
    try {
      // 400 days on, the case is past its retention: the first run warns its owner and deletes nothing.
      clockShift = 400 * DAY;
      expect((await bot.deps.privacy.purgeExpired()).assessments).toBe(0);
      expect(channelUpdates(thread)).toHaveLength(0);
      // Once the warning has stood for two weeks, the purge deletes the case.
      clockShift = 415 * DAY;
      expect((await bot.deps.privacy.purgeExpired()).assessments).toBeGreaterThanOrEqual(1);
    } finally {
      clockShift = 0;
    }
    expect(channelUpdates(thread)).toHaveLength(1);
    expect(await rowsFor(shareId)).toEqual({ shares: [], supervision: [] });
  });

  it('when tencs was removed from the team, then deleting still removes the stored share and notes, and the trail says the card could not be reached', async () => {
    const { id, shareId } = await sharedAssessment('CR-SHARE-GONE');
    const confirm = cardsOf(await bot.send(message(bot, practitioner, 'delete CR-SHARE-GONE')))[0]!;
    bot.connector.fail({ status: 403, match: (c) => c.method === 'PUT' });
    const deleted = await press(bot, practitioner, confirm, VERBS.privacyDeleteConfirm);
    expect(cardText(cardOf(deleted))).toMatch(/Assessment deleted/);
    expect(await rowsFor(shareId)).toEqual({ shares: [], supervision: [] });
    const trail = await bot.deps.audit.listForAssessments([id]);
    expect(trail.some((e) => e.action === 'unshared' && e.detail === `channel-card-unreachable-gone:${shareId}`)).toBe(true);
  });
});
