import { randomUUID } from 'node:crypto';
import { odata } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { assessmentIdFor } from '../../src/storage/assessment-repository.js';
import { AUDIT_TABLE } from '../../src/storage/audit-repository.js';
import { SUPERVISION_TABLE } from '../../src/storage/share-repository.js';
import type { Assessment } from '../../src/tencs/assessment.js';
import { REFUSAL_ROWS_PER_PERSON_PER_WINDOW } from '../../src/tencs/audit.js';
import { NOTE_PERSON_LIMIT, NOTE_SHARE_LIMIT, NOTE_TOO_FAST, NOTES_PER_PERSON_MAX, NOTES_PER_SHARE_MAX } from '../../src/tencs/share-service.js';
import { shareIdFor } from '../../src/tencs/sharing.js';
import { SALLY } from '../fixtures/assessments.js';
import { cardOf, cardText, execute, message, newUser, startTestBot, type TestBot, type TestUser, type TurnResult } from '../helpers/bot-harness.js';
import { actionOf, inputsOf, press } from '../helpers/card-driver.js';
import { channelExecute, newChannel, newTeam, teamUpdate, type TestChannel, type TestTeam } from '../helpers/channel.js';

/** Everything a turn's reply showed: the invoke body and any activity sent. */
const replyText = (r: TurnResult) => JSON.stringify(r.body) + JSON.stringify(r.sent);
const messageOf = (r: TurnResult) => String((r.body as { value?: unknown }).value ?? '');

async function rows(bot: TestBot, table: string, partition: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const e of bot.deps.tables.table(table).listEntities({ queryOptions: { filter: odata`PartitionKey eq ${partition}` } })) out.push(e);
  return out;
}

async function allRows(bot: TestBot, table: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const e of bot.deps.tables.table(table).listEntities()) out.push(e);
  return out;
}

async function storeCompleted(bot: TestBot, user: TestUser, from: Assessment = SALLY): Promise<Assessment> {
  const a: Assessment = { ...from, id: assessmentIdFor(randomUUID(), new Date()), tenantId: user.tenantId, ownerId: user.aadObjectId };
  await bot.deps.assessmentRepository.create(a);
  return a;
}

/** Runs `fn` over `items`, `n` at a time. */
async function inBatches<T>(items: readonly T[], n: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += n) await Promise.all(items.slice(i, i + n).map(fn));
}

describe('issue 12: bounds on what channel members and card data can cost', () => {
  let bot: TestBot;
  const practitioner = newUser('Pat Practitioner');
  const manager = newUser('Morgan Manager');
  const colleague = newUser('Casey Colleague');
  const stranger = newUser('Sam Stranger');
  const team = newTeam('Children in Need West');

  beforeAll(async () => {
    bot = await startTestBot({ RATE_LIMIT_BURST: '5000' });
    bot.connector.members(team.teamId, [practitioner.id, manager.id, colleague.id]);
    await bot.send(teamUpdate(bot, manager, team, 'added'));
  });
  afterAll(async () => {
    await bot.close();
  });

  async function shareNew(also: readonly TestUser[] = []): Promise<{ assessment: Assessment; thread: TestChannel; shareId: string }> {
    const assessment = await storeCompleted(bot, practitioner);
    // The manager and the colleague are the named supervisors (only they may acknowledge and add notes).
    const supervisors = [manager, colleague, ...also].map((u) => u.aadObjectId).join(',');
    await bot.send(execute(bot, practitioner, VERBS.sharePost, { assessmentId: assessment.id, teamId: team.teamId, supervisors }));
    const stored = await bot.deps.shares.get(practitioner.tenantId, shareIdFor(practitioner.tenantId, assessment.id, team.teamId));
    expect(stored?.share.status).toBe('posted');
    const share = stored!.share;
    return {
      assessment,
      shareId: share.id,
      thread: { teamId: team.teamId, channelId: team.channelId, rootMessageId: share.activityId!, conversationId: share.conversationId! },
    };
  }

  const noteRows = async (shareId: string) => (await rows(bot, SUPERVISION_TABLE, `${practitioner.tenantId}|${shareId}`)).filter((r) => r.kind === 'note');

  /** Stores notes straight through the real repository, as if added over time. */
  async function seedNotes(shareId: string, authors: readonly TestUser[], count: number): Promise<void> {
    const share = (await bot.deps.shares.get(practitioner.tenantId, shareId))!.share;
    const start = Date.now() - 10 * 24 * 3600_000;
    await inBatches(
      Array.from({ length: count }, (_, i) => i),
      25,
      (i) =>
        bot.deps.shares.addNote(
          share,
          {
            kind: 'note',
            authorId: authors[i % authors.length]!.aadObjectId,
            authorName: 'Seeded',
            at: new Date(start + i * 1000).toISOString(),
            text: `Seeded note ${i}`,
          },
          `seed-${i}`,
        ),
    );
  }

  it('when a member has added as many notes as one person may, then the next is refused kindly, nothing is written, and the owner can still acknowledge', async () => {
    const { thread, shareId } = await shareNew();
    await seedNotes(shareId, [manager], NOTES_PER_PERSON_MAX);
    expect(await noteRows(shareId)).toHaveLength(NOTES_PER_PERSON_MAX);

    const refused = await bot.send(channelExecute(bot, manager, thread, VERBS.shareNote, { shareId, note: 'One more note past the bound.' }));
    expect(messageOf(refused)).toBe(NOTE_PERSON_LIMIT);
    expect(await noteRows(shareId)).toHaveLength(NOTES_PER_PERSON_MAX);

    // Another member is not held back by the first one's notes.
    const other = await bot.send(channelExecute(bot, colleague, thread, VERBS.shareNote, { shareId, note: 'A colleague adds one.' }));
    expect(cardText(cardOf(other))).toContain('A colleague adds one.');

    const ack = await bot.send(channelExecute(bot, colleague, thread, VERBS.shareAck, { shareId }));
    expect(cardText(cardOf(ack))).toMatch(/Acknowledged by one person:[\s\S]*Casey Colleague/);
  });

  it("when a share holds as many notes as it may, then anyone's next note is refused, nothing is written, and Acknowledge still works", async () => {
    const { thread, shareId } = await shareNew();
    const many = Array.from({ length: 20 }, (_, i) => newUser(`Seeder ${i}`));
    await seedNotes(shareId, many, NOTES_PER_SHARE_MAX);

    const refused = await bot.send(channelExecute(bot, colleague, thread, VERBS.shareNote, { shareId, note: 'Past the share bound.' }));
    expect(messageOf(refused)).toBe(NOTE_SHARE_LIMIT);
    expect(await noteRows(shareId)).toHaveLength(NOTES_PER_SHARE_MAX);

    const ack = await bot.send(channelExecute(bot, manager, thread, VERBS.shareAck, { shareId }));
    expect(cardText(cardOf(ack))).toMatch(/Acknowledged by one person:[\s\S]*Morgan Manager/);
    const second = await bot.send(channelExecute(bot, colleague, thread, VERBS.shareAck, { shareId }));
    expect(cardText(cardOf(second))).toMatch(/Acknowledged by 2 people/);
  });

  it('when a member adds notes faster than a few a minute, then the extra ones are refused and not written', async () => {
    const fast = newUser('Fast Typist');
    bot.connector.members(team.teamId, [practitioner.id, manager.id, colleague.id, fast.id]);
    const { thread, shareId } = await shareNew([fast]);
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await bot.send(channelExecute(bot, fast, thread, VERBS.shareNote, { shareId, note: `Quick note ${i}` }));
      answers.push(messageOf(r));
    }
    expect(answers.slice(0, 3).every((m) => m !== NOTE_TOO_FAST)).toBe(true);
    expect(answers.slice(3)).toEqual([NOTE_TOO_FAST, NOTE_TOO_FAST, NOTE_TOO_FAST]);
    expect(await noteRows(shareId)).toHaveLength(3);
  });

  it('when one user presses refused buttons 100 times, then the audit trail gains at most one row per assessment and action', async () => {
    const { shareId, assessment } = await shareNew();
    const elsewhere = newChannel();
    for (let i = 0; i < 100; i++) {
      const r = await bot.send(channelExecute(bot, stranger, elsewhere, VERBS.shareAck, { shareId }));
      expect(messageOf(r)).toMatch(/Nothing was recorded/);
    }
    for (let i = 0; i < 100; i++) await bot.send(execute(bot, stranger, VERBS.summaryView, { assessmentId: assessment.id }));
    const refusals = (await rows(bot, AUDIT_TABLE, assessment.id)).filter((r) => r.action === 'refused' && r.actorId === stranger.aadObjectId);
    expect(refusals.length).toBeGreaterThanOrEqual(1);
    // One for the acknowledgement, one for the view; two more at most if the test crossed an hour's boundary.
    expect(refusals.length).toBeLessThanOrEqual(4);
    expect(new Set(refusals.map((r) => r.detail ?? '')).size).toBe(2);
  });

  it('when one user is refused for 100 different well-shaped ids, then the audit trail gains at most a bounded number of rows for them', async () => {
    const sprayer = newUser('Spray Tester');
    for (let i = 0; i < 100; i++) {
      const r = await bot.send(execute(bot, sprayer, VERBS.summaryView, { assessmentId: assessmentIdFor(randomUUID(), new Date()) }));
      expect(replyText(r)).toMatch(/can't open that assessment/);
    }
    const written = (await allRows(bot, AUDIT_TABLE)).filter((r) => r.actorId === sprayer.aadObjectId);
    expect(written.length).toBeGreaterThanOrEqual(1);
    // 20 an hour per person (REFUSAL_ROWS_PER_PERSON_PER_WINDOW); twice that if the hour turned mid-test.
    expect(written.length).toBeLessThanOrEqual(2 * REFUSAL_ROWS_PER_PERSON_PER_WINDOW);
    expect(bot.logLines.filter((l) => l.includes('audit.refusals-capped') && l.includes(sprayer.aadObjectId)).length).toBeGreaterThanOrEqual(1);
  });

  describe('ids from card data are checked for shape before they are used, stored or logged', () => {
    const huge = (prefix: string) => `${prefix}${'Z'.repeat(200 * 1024)}`;
    const MARK = 'ODDMARKER';
    const odd = [`1700000000000-${MARK}'<>/\\`, `${MARK}\u0000\u202e"}{`, `1700000000000-abc${MARK}def`, `../${MARK}`];

    it('when ids are 200 KB or carry odd characters, then the user gets the kind out-of-date words and nothing of the id reaches the audit trail or the log', async () => {
      const { assessment, shareId, thread } = await shareNew();
      const attempts: Record<string, unknown>[] = [];
      for (const bad of [huge('1700000000000-'), ...odd]) {
        attempts.push(execute(bot, practitioner, VERBS.summaryView, { assessmentId: bad }));
        attempts.push(execute(bot, practitioner, VERBS.shareChoose, { assessmentId: bad }));
        attempts.push(execute(bot, practitioner, VERBS.sharePost, { assessmentId: bad, teamId: team.teamId }));
        attempts.push(execute(bot, practitioner, VERBS.open, { assessmentId: bad }));
        attempts.push(execute(bot, practitioner, VERBS.sharePost, { assessmentId: assessment.id, teamId: bad }));
        attempts.push(channelExecute(bot, manager, thread, VERBS.shareAck, { shareId: bad }));
        attempts.push(channelExecute(bot, manager, thread, VERBS.shareNote, { shareId: bad, note: 'hello' }));
      }
      for (const bad of [huge('19:'), `19:${MARK}@thread.tacv2/../x`, `19:a@thread.tacv2\n${MARK}`]) {
        attempts.push(execute(bot, practitioner, VERBS.sharePost, { assessmentId: assessment.id, teamId: bad }));
      }
      attempts.push(channelExecute(bot, manager, thread, VERBS.shareAck, { shareId: huge('s-') }));
      const logBefore = bot.logLines.length;
      for (const activity of attempts) {
        const r = await bot.send(activity);
        expect(r.status).toBe(200);
        expect(replyText(r)).toMatch(/out of date/);
      }
      const logged = bot.logLines.slice(logBefore).join('\n');
      expect(logged).not.toContain(MARK);
      expect(logged).not.toContain('Z'.repeat(100));
      expect(logged.length).toBeLessThan(200 * 1024);
      const audit = JSON.stringify(await allRows(bot, AUDIT_TABLE));
      expect(audit).not.toContain(MARK);
      expect(audit).not.toContain('Z'.repeat(100));
      // The real share is untouched by the refused attempts.
      expect((await noteRows(shareId)).length).toBe(0);
    });

    it('when the ids have their real shape, then they still work', async () => {
      const { assessment, shareId, thread } = await shareNew();
      expect(cardText(cardOf(await bot.send(execute(bot, practitioner, VERBS.summaryView, { assessmentId: assessment.id }))))).toContain(
        assessment.setup!.caseRef,
      );
      expect(cardText(cardOf(await bot.send(channelExecute(bot, manager, thread, VERBS.shareAck, { shareId }))))).toContain('Morgan Manager');
    });
  });

  describe('assessment content shows in personal chat only', () => {
    const groupChat = (user: TestUser, verb: string, data: Record<string, unknown>) => ({
      ...execute(bot, user, verb, data),
      conversation: { id: `19:${randomUUID().replace(/-/g, '')}@thread.v2`, conversationType: 'groupChat', isGroup: true, tenantId: user.tenantId },
    });

    it('when the practitioner presses any summary, share or assessment verb in a group chat or another channel, then the reply carries no case reference or typed text, and nothing is posted or recorded', async () => {
      const { assessment, shareId } = await shareNew();
      await bot.send(
        channelExecute(
          bot,
          manager,
          { teamId: team.teamId, channelId: team.channelId, rootMessageId: 'x', conversationId: `${team.channelId};messageid=x` },
          VERBS.shareNote,
          { shareId, note: 'A typed supervision note to keep private' },
        ),
      );
      const otherChannel = newChannel();
      const secrets = [assessment.setup!.caseRef, 'The breach of confidentiality feeds the abusive contact', 'A typed supervision note to keep private'].filter(
        Boolean,
      );
      const verbs: [string, Record<string, unknown>][] = [
        [VERBS.summaryView, { assessmentId: assessment.id }],
        [VERBS.summaryCopy, { assessmentId: assessment.id }],
        [VERBS.shareChoose, { assessmentId: assessment.id }],
        [VERBS.sharePost, { assessmentId: assessment.id, teamId: team.teamId }],
        [VERBS.sharePost, { assessmentId: assessment.id }],
        [VERBS.shareAck, { shareId }],
        [VERBS.shareNote, { shareId, note: 'Owner note from the wrong place' }],
        [VERBS.open, { assessmentId: assessment.id }],
        [VERBS.list, {}],
      ];
      bot.connector.clear();
      for (const [verb, data] of verbs) {
        for (const activity of [groupChat(practitioner, verb, data), channelExecute(bot, practitioner, otherChannel, verb, data)]) {
          const r = await bot.send(activity);
          expect(r.status).toBe(200);
          const text = replyText(r);
          for (const secret of secrets)
            expect(text, `${verb} in ${(activity.conversation as { conversationType: string }).conversationType}`).not.toContain(secret);
          expect(text).toMatch(/personal chat/);
        }
      }
      expect(bot.connector.calls.filter((c) => c.method === 'POST' || c.method === 'PUT')).toHaveLength(0);
      const entries = (await rows(bot, SUPERVISION_TABLE, `${practitioner.tenantId}|${shareId}`)).map((r) => r.authorId);
      expect(entries).toEqual([manager.aadObjectId]);
    });

    it('when the practitioner acts from their personal chat, then the summary is still shown there', async () => {
      const { assessment, shareId } = await shareNew();
      expect(cardText(cardOf(await bot.send(execute(bot, practitioner, VERBS.summaryView, { assessmentId: assessment.id }))))).toContain(
        assessment.setup!.caseRef,
      );
      // A named supervisor may act from their personal chat too (the practitioner may view, not acknowledge).
      expect(cardText(cardOf(await bot.send(execute(bot, manager, VERBS.shareAck, { shareId }))))).toContain(assessment.setup!.caseRef);
    });
  });

  describe('"Share with my team" lists the teams the practitioner belongs to', () => {
    it('when tencs is in two teams and the practitioner belongs to one, then only that one is offered; two teams of one name are told apart without ids', async () => {
      const pat = newUser('Pat Two');
      const mine = newTeam('Mine Team');
      const notMine = newTeam('Secret Investigations Team');
      const twinA = newTeam('Duty and Assessment');
      const twinB = newTeam('Duty and Assessment');
      bot.connector.members(mine.teamId, [pat.id]);
      bot.connector.members(notMine.teamId, [manager.id]);
      bot.connector.members(twinA.teamId, [pat.id]);
      bot.connector.members(twinB.teamId, [pat.id]);
      bot.connector.members(team.teamId, [practitioner.id, manager.id, colleague.id]);
      for (const t of [mine, notMine, twinA, twinB] as TestTeam[]) await bot.send(teamUpdate(bot, manager, t, 'added'));

      const a = await storeCompleted(bot, pat);
      const card = cardOf(await bot.send(execute(bot, pat, VERBS.shareChoose, { assessmentId: a.id })));
      const text = cardText(card);
      expect(text).toContain('Mine Team');
      expect(text).not.toContain('Secret Investigations Team');
      expect(text).not.toContain('Children in Need West');
      const json = JSON.stringify(card);
      expect(json).toContain(`"value":"${mine.teamId}"`);
      expect(json).not.toContain(notMine.teamId);
      const choices = (card.body as { type: string; choices?: { title: string; value: string }[] }[]).find((b) => b.type === 'Input.ChoiceSet')?.choices ?? [];
      const twins = choices.filter((c) => c.title.startsWith('Duty and Assessment'));
      expect(twins).toHaveLength(2);
      expect(new Set(twins.map((c) => c.title)).size).toBe(2);
      for (const c of choices) expect(c.title).not.toMatch(/19:|@thread/);

      // Posting without a choice re-offers the same, membership-checked list.
      const again = JSON.stringify(cardOf(await bot.send(execute(bot, pat, VERBS.sharePost, { assessmentId: a.id }))));
      expect(again).toContain(mine.teamId);
      expect(again).not.toContain(notMine.teamId);
    });

    it('when the membership of a team cannot be checked just now, then it is not listed and the practitioner is told', async () => {
      const pat = newUser('Pat Three');
      const t = newTeam('Looked After Children');
      bot.connector.members(t.teamId, [pat.id]);
      await bot.send(teamUpdate(bot, manager, t, 'added'));
      const a = await storeCompleted(bot, pat);
      // Every lookup fails for this user: no team is listed, and they are told why.
      bot.connector.fail(
        ...Array.from({ length: 100 }, () => ({ status: 400, match: (c: { path: string }) => c.path.endsWith(`/members/${encodeURIComponent(pat.id)}`) })),
      );
      const text = cardText(cardOf(await bot.send(execute(bot, pat, VERBS.shareChoose, { assessmentId: a.id }))));
      bot.connector.clearFaults();
      expect(text).not.toContain('Looked After Children');
      expect(text).toMatch(/couldn't check just now whether you belong to/);
    });
  });

  it('when the same card with a lone UTF-16 surrogate in an answer is sent twice, then the second is a duplicate, not a conflict', async () => {
    const user = newUser('Surrogate Tester');
    let card = cardOf(await bot.send(message(bot, user, 'start')));
    card = cardOf(await press(bot, user, card, 'tencs.cautions.ack'));
    card = cardOf(
      await press(bot, user, card, 'tencs.step.next', { caseRef: 'SG-1001', ageBand: '14-15', participants: 'young-person', assessedOn: '2024-06-03' }),
    );
    expect(cardText(card)).toContain('C 1 of 10');
    const submit = execute(bot, user, 'tencs.step.next', {
      ...inputsOf(card),
      strengths: 'Talks to her aunt \uD800 most days',
      vulnerabilities: 'Half a pair \uDC00 here',
      risk: 'medium',
      resilience: 'some',
      ...actionOf(card, 'tencs.step.next').data,
    });
    const first = cardOf(await bot.send(submit));
    expect(cardText(first)).toContain('C 2 of 10');
    const again = cardOf(await bot.send({ ...submit, id: `${String(submit.id)}-again` }));
    expect(cardText(again)).not.toMatch(/changed since|conflict|Keep my version/i);
    expect(cardText(again)).toContain('C 2 of 10');
  });
});
