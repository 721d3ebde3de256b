import { randomUUID } from 'node:crypto';
import { odata } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { assessmentIdFor } from '../../src/storage/assessment-repository.js';
import { SUPERVISION_TABLE } from '../../src/storage/share-repository.js';
import type { Assessment } from '../../src/tencs/assessment.js';
import { shareIdFor } from '../../src/tencs/sharing.js';
import { SALLY, SALLY_CS } from '../fixtures/assessments.js';
import { getC } from '../../src/tencs/ten-cs.js';
import { cardOf, cardText, execute, newUser, startTestBot, type TestBot, type TestUser, type TurnResult } from '../helpers/bot-harness.js';
import { channelExecute, newTeam, teamUpdate, type TestChannel, type TestTeam } from '../helpers/channel.js';
import { isChannelPost, type ConnectorCall } from '../helpers/connector.js';

const BOT_ID = '28:tencs-bot';

function installation(bot: TestBot, by: TestUser, team: TestTeam, action: 'add' | 'remove'): Record<string, unknown> {
  return {
    ...teamUpdate(bot, by, team, 'added'),
    type: 'installationUpdate',
    action,
    membersAdded: undefined,
    channelData: { team: { id: team.teamId, name: team.name }, tenant: { id: by.tenantId } },
  };
}

/** A completed assessment owned by `user`, stored through the real repository. */
async function storeCompleted(bot: TestBot, user: TestUser, from: Assessment = SALLY): Promise<Assessment> {
  const a: Assessment = { ...from, id: assessmentIdFor(randomUUID(), new Date()), tenantId: user.tenantId, ownerId: user.aadObjectId };
  await bot.deps.assessmentRepository.create(a);
  return a;
}

const posts = (calls: ConnectorCall[]) => calls.filter(isChannelPost);
const updates = (calls: ConnectorCall[]) => calls.filter((c) => c.method === 'PUT');
const cardIn = (body: Record<string, unknown>) => ((body.activity ?? body) as { attachments: { content: Record<string, unknown> }[] }).attachments[0]!.content;
const messageOf = (result: TurnResult) => (result.body as { type?: string; value?: unknown }).value;

describe('sharing a completed assessment to a team channel', () => {
  let bot: TestBot;
  const practitioner = newUser('Pat Practitioner');
  const manager = newUser('Morgan Manager');
  const stranger = newUser('Sam Stranger');
  const team = newTeam();

  beforeAll(async () => {
    bot = await startTestBot({ RATE_LIMIT_BURST: '1000' });
    bot.connector.members(team.teamId, [practitioner.id, { id: manager.id, aadObjectId: manager.aadObjectId, name: manager.name }]);
    await bot.send(teamUpdate(bot, manager, team, 'added'));
  });
  afterAll(async () => {
    await bot.close();
  });

  /** Shares a fresh completed assessment and returns the thread the post started. */
  async function shareNew(to: TestTeam = team): Promise<{ assessment: Assessment; thread: TestChannel; shareId: string; result: TurnResult }> {
    const assessment = await storeCompleted(bot, practitioner);
    const result = await bot.send(
      execute(bot, practitioner, VERBS.sharePost, { assessmentId: assessment.id, teamId: to.teamId, supervisors: manager.aadObjectId }),
    );
    const post = posts(bot.connector.calls).at(-1)!;
    const rootId = `act-${/act-(\d+)/.exec(JSON.stringify(bot.connector.calls.at(-1)))?.[1] ?? ''}`;
    const share = await bot.deps.shares.get(practitioner.tenantId, shareIdFor(practitioner.tenantId, assessment.id, to.teamId));
    const conversationId = share?.share.conversationId ?? `${to.channelId};messageid=${rootId}`;
    expect(post).toBeDefined();
    return {
      assessment,
      result,
      shareId: share?.share.id ?? '',
      thread: { teamId: to.teamId, channelId: to.channelId, rootMessageId: share?.share.activityId ?? rootId, conversationId },
    };
  }

  it('when the bot is added to a team, then the team and its General channel are remembered for the tenant', async () => {
    const stored = await bot.deps.teams.get(practitioner.tenantId, team.teamId);
    expect(stored).toMatchObject({ teamId: team.teamId, teamName: team.name, channelId: team.channelId, serviceUrl: bot.connector.url, botId: BOT_ID });
  });

  it('when the practitioner chooses Share with my team, then the teams in their tenant are offered', async () => {
    const a = await storeCompleted(bot, practitioner);
    const card = cardOf(await bot.send(execute(bot, practitioner, VERBS.shareChoose, { assessmentId: a.id })));
    expect(JSON.stringify(card)).toContain(`"value":"${team.teamId}"`);
    expect(cardText(card)).toContain(team.name);
    expect(cardText(card)).toContain(a.setup!.caseRef);
  });

  it('when the practitioner posts, then a new thread carries the short card (case reference, who shared it, for whom, status), and not the map, the prompts or any answer', async () => {
    bot.connector.clear();
    const { assessment, result, thread } = await shareNew();
    expect(cardText(cardOf(result))).toMatch(/Shared with your team/);
    const post = posts(bot.connector.calls)[0]!;
    // Both hosts create the thread as Teams documents it: a conversation in the channel, isGroup, our tenant.
    expect(post.path).toBe('/v3/conversations');
    expect((post.body.channelData as { channel: { id: string } }).channel.id).toBe(team.channelId);
    expect(post.body.tenantId).toBe(practitioner.tenantId);
    expect(post.body.isGroup).toBe(true);
    const card = cardIn(post.body);
    const text = cardText(card);
    expect(text).toContain(assessment.setup!.caseRef);
    expect(text).toContain('For <at>Morgan Manager</at>');
    expect(text).toContain('Shared, not acknowledged yet.');
    for (const c of SALLY_CS) expect(text).not.toContain(`C${getC(c).number} ${getC(c).shortTitle}`);
    expect(text).not.toMatch(/Risk of harm|Reflective supervision prompts|last resort/);
    for (const answer of ['Feels that everyone has seen them', 'Angry and upset', 'Report Remove with her', 'possible sextortion'])
      expect(text).not.toContain(answer);
    expect(text).toContain('Pat Practitioner');
    expect(thread.conversationId).toBe(`${team.channelId};messageid=${thread.rootMessageId}`);
  });

  it('when a named supervisor acknowledges in the thread, then it is stored with their name and the short card updates in place for everyone', async () => {
    const { thread, shareId } = await shareNew();
    bot.connector.clear();
    const result = await bot.send(channelExecute(bot, manager, thread, VERBS.shareAck, { shareId }));
    expect(cardText(cardOf(result))).toContain('Morgan Manager');
    const put = updates(bot.connector.calls);
    expect(put).toHaveLength(1);
    expect(put[0]!.path).toBe(`/v3/conversations/${encodeURIComponent(thread.conversationId)}/activities/${thread.rootMessageId}`);
    expect(cardText(cardIn(put[0]!.body))).toMatch(/Acknowledged by Morgan Manager \(/);
    expect(cardText(cardIn(put[0]!.body))).not.toMatch(/Risk of harm/);

    // Acknowledging twice is still one acknowledgement.
    const again = await bot.send(channelExecute(bot, manager, thread, VERBS.shareAck, { shareId }));
    expect(cardText(cardOf(again))).toMatch(/Acknowledged by one person/);
  });

  it('when a named supervisor adds a supervision note, then it shows on their card with author and time, never on the channel card, and is stored encrypted', async () => {
    const { thread, shareId } = await shareNew();
    bot.connector.clear();
    const note = 'Discuss removal requests and the school plan at Thursday supervision.';
    const result = await bot.send(channelExecute(bot, manager, thread, VERBS.shareNote, { shareId, note }));
    const text = cardText(cardOf(result));
    expect(text).toContain(note);
    expect(text).toContain('Morgan Manager');
    expect(text).toMatch(/UTC/);
    expect(JSON.stringify(updates(bot.connector.calls)[0]!.body)).not.toContain('Thursday supervision');

    const raw = bot.deps.tables.table(SUPERVISION_TABLE);
    const rows = [];
    for await (const e of raw.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${`${practitioner.tenantId}|${shareId}`}` } })) rows.push(e);
    expect(rows.some((r) => r.kind === 'note')).toBe(true);
    expect(JSON.stringify(rows)).not.toContain('Thursday supervision');
  });

  it('when the note is empty or too long, then nothing is stored and the text stays in the box', async () => {
    const { thread, shareId } = await shareNew();
    const empty = await bot.send(channelExecute(bot, manager, thread, VERBS.shareNote, { shareId, note: '   ' }));
    expect(messageOf(empty)).toMatch(/Write a note/);
    const long = await bot.send(channelExecute(bot, manager, thread, VERBS.shareNote, { shareId, note: 'x'.repeat(1001) }));
    expect(messageOf(long)).toMatch(/at most 1000 characters/);
    const share = (await bot.deps.shares.get(practitioner.tenantId, shareId))!.share;
    expect((await bot.deps.shares.entries(share)).notes).toEqual([]);
  });

  it('when someone outside the thread tries to acknowledge or add a note, then they are refused and nothing is recorded', async () => {
    const { shareId } = await shareNew();
    const otherTeam = newTeam('Elsewhere');
    const elsewhere: TestChannel = {
      teamId: otherTeam.teamId,
      channelId: otherTeam.channelId,
      rootMessageId: '1',
      conversationId: `${otherTeam.channelId};messageid=1`,
    };
    bot.connector.clear();
    const fromOtherChannel = await bot.send(channelExecute(bot, stranger, elsewhere, VERBS.shareAck, { shareId }));
    expect(messageOf(fromOtherChannel)).toMatch(/Only the supervisors the practitioner named/);
    const fromPersonalChat = await bot.send(execute(bot, stranger, VERBS.shareNote, { shareId, note: 'sneaky' }));
    expect(messageOf(fromPersonalChat)).toMatch(/Only the supervisors the practitioner named/);
    const otherTenant = newUser('Other tenant', '99999999-9999-4999-8999-999999999999');
    const crossTenant = await bot.send(execute(bot, otherTenant, VERBS.shareAck, { shareId }));
    expect(messageOf(crossTenant)).toMatch(/can't find this shared summary/);
    expect(updates(bot.connector.calls)).toEqual([]);
    const share = (await bot.deps.shares.get(practitioner.tenantId, shareId))!.share;
    expect(await bot.deps.shares.entries(share)).toEqual({ acks: [], notes: [] });
    const trail = await bot.deps.audit.listForAssessments([share.assessmentId]);
    expect(trail.filter((e) => e.action === 'refused' && e.actorId === stranger.aadObjectId).map((e) => e.detail)).toEqual(['share-ack', 'share-note']);
  });

  it('when a summary is shared and acknowledged, then the audit trail records who shared and who acknowledged, never the note', async () => {
    const { thread, shareId, assessment } = await shareNew();
    await bot.send(channelExecute(bot, manager, thread, VERBS.shareAck, { shareId }));
    await bot.send(channelExecute(bot, manager, thread, VERBS.shareNote, { shareId, note: 'AUDIT-NOTE-TEXT' }));
    const trail = await bot.deps.audit.listForAssessments([assessment.id]);
    expect(trail.find((e) => e.action === 'shared')).toMatchObject({ actorId: practitioner.aadObjectId, detail: team.teamId });
    expect(trail.filter((e) => e.action === 'acknowledged').map((e) => [e.actorId, e.detail])).toEqual([
      [manager.aadObjectId, 'share-ack'],
      [manager.aadObjectId, 'share-note'],
    ]);
    expect(JSON.stringify(trail)).not.toContain('AUDIT-NOTE-TEXT');
  });

  it('when the assessment has been deleted, then acting on its card replaces the summary with a notice for everyone', async () => {
    const { thread, shareId, assessment } = await shareNew();
    await bot.deps.assessmentRepository.delete({ tenantId: practitioner.tenantId, aadObjectId: practitioner.aadObjectId }, assessment.id);
    bot.connector.clear();
    const r = await bot.send(channelExecute(bot, manager, thread, VERBS.shareAck, { shareId }));
    expect(cardText(cardOf(r))).toMatch(/This summary is no longer available/);
    const put = updates(bot.connector.calls)[0]!;
    const text = cardText(cardIn(put.body));
    expect(text).toMatch(/no longer available/);
    expect(text).not.toContain(assessment.setup!.caseRef);
  });

  it('when the practitioner who shared tries to acknowledge or add a note, then it is refused (they may view, the named supervisors supervise)', async () => {
    const { shareId } = await shareNew();
    bot.connector.clear();
    const result = await bot.send(execute(bot, practitioner, VERBS.shareNote, { shareId, note: 'Added the school plan.' }));
    expect(messageOf(result)).toMatch(/Only the supervisors the practitioner named/);
    expect(updates(bot.connector.calls)).toEqual([]);
    const share = (await bot.deps.shares.get(practitioner.tenantId, shareId))!.share;
    expect((await bot.deps.shares.entries(share)).notes).toEqual([]);
  });

  it('when another practitioner tries to view, copy or share this assessment, then they are refused and nothing is posted', async () => {
    const a = await storeCompleted(bot, practitioner);
    bot.connector.clear();
    for (const verb of [VERBS.summaryView, VERBS.summaryCopy, VERBS.shareChoose]) {
      const r = await bot.send(execute(bot, stranger, verb, { assessmentId: a.id }));
      expect(cardText(cardOf(r))).toMatch(/can only view, copy or share their own/);
    }
    const post = await bot.send(execute(bot, stranger, VERBS.sharePost, { assessmentId: a.id, teamId: team.teamId, supervisors: manager.aadObjectId }));
    expect(cardText(cardOf(post))).toMatch(/can only view, copy or share their own/);
    expect(posts(bot.connector.calls)).toEqual([]);
  });

  it('when the practitioner is not a member of the chosen team, then nothing is posted', async () => {
    const a = await storeCompleted(bot, stranger);
    bot.connector.clear();
    const r = await bot.send(execute(bot, stranger, VERBS.sharePost, { assessmentId: a.id, teamId: team.teamId, supervisors: manager.aadObjectId }));
    expect(cardText(cardOf(r))).toMatch(/You're not in that team/);
    expect(posts(bot.connector.calls)).toEqual([]);
  });

  it('when the same post is asked for twice, then it is posted once', async () => {
    const { assessment } = await shareNew();
    bot.connector.clear();
    const again = await bot.send(
      execute(bot, practitioner, VERBS.sharePost, { assessmentId: assessment.id, teamId: team.teamId, supervisors: manager.aadObjectId }),
    );
    expect(cardText(cardOf(again))).toMatch(/Already shared with this team/);
    expect(posts(bot.connector.calls)).toEqual([]);
  });

  it('when the practitioner copies for the case record, then the plain-text summary comes to their personal chat', async () => {
    const a = await storeCompleted(bot, practitioner);
    const r = await bot.send(execute(bot, practitioner, VERBS.summaryCopy, { assessmentId: a.id }));
    expect(messageOf(r)).toMatch(/sent you the summary as plain text/);
    const sent = r.sent.find((s) => typeof s.text === 'string' && s.text.includes('Case reference'))!;
    expect(sent.textFormat).toBe('plain');
    expect((sent.conversation as { id: string }).id).toBe(practitioner.conversationId);
    expect(sent.text).toContain(SALLY.composite!.analysis);
    expect(sent.text).toContain('professional judgement');
  });

  it('when the practitioner views the summary, then the map card comes back with Share and Copy', async () => {
    const a = await storeCompleted(bot, practitioner);
    const card = cardOf(await bot.send(execute(bot, practitioner, VERBS.summaryView, { assessmentId: a.id })));
    const json = JSON.stringify(card);
    expect(json).toContain(VERBS.shareChoose);
    expect(json).toContain(VERBS.summaryCopy);
    expect(cardText(card)).toContain('Risk and resilience map');
  });
});

describe('connector faults while sharing', () => {
  let bot: TestBot;
  const practitioner = newUser('Pat Practitioner');

  beforeAll(async () => {
    bot = await startTestBot({ RATE_LIMIT_BURST: '1000' });
  });
  afterAll(async () => {
    await bot.close();
  });

  const isPost = isChannelPost;
  const boss = newUser('Morgan Manager');

  async function installedTeam(): Promise<TestTeam> {
    const team = newTeam(`Team ${randomUUID().slice(0, 4)}`);
    bot.connector.members(team.teamId, [practitioner.id, boss.id]);
    await bot.send(teamUpdate(bot, practitioner, team, 'added'));
    return team;
  }

  it('when Teams answers 429 with Retry-After, then the post waits and succeeds', async () => {
    const team = await installedTeam();
    const a = await storeCompleted(bot, practitioner);
    bot.connector.clear();
    bot.connector.fail({ status: 429, headers: { 'Retry-After': '1' }, match: isPost });
    const r = await bot.send(execute(bot, practitioner, VERBS.sharePost, { assessmentId: a.id, teamId: team.teamId, supervisors: boss.aadObjectId }));
    expect(cardText(cardOf(r))).toMatch(/Shared with your team/);
    expect(bot.connector.calls.filter(isPost)).toHaveLength(2);
  });

  it('when Teams answers 429 without Retry-After, then the post backs off and succeeds', async () => {
    const team = await installedTeam();
    const a = await storeCompleted(bot, practitioner);
    bot.connector.clear();
    bot.connector.fail({ status: 429, match: isPost });
    const r = await bot.send(execute(bot, practitioner, VERBS.sharePost, { assessmentId: a.id, teamId: team.teamId, supervisors: boss.aadObjectId }));
    expect(cardText(cardOf(r))).toMatch(/Shared with your team/);
    expect(bot.connector.calls.filter(isPost)).toHaveLength(2);
  });

  it('when Teams keeps answering 429, then the attempts stop, the practitioner is told, and the assessment is untouched', async () => {
    const team = await installedTeam();
    const a = await storeCompleted(bot, practitioner);
    const before = await bot.deps.assessmentRepository.get({ tenantId: practitioner.tenantId, aadObjectId: practitioner.aadObjectId }, a.id);
    bot.connector.clear();
    bot.connector.fail(...Array.from({ length: 30 }, () => ({ status: 429, headers: { 'Retry-After': '0' }, match: isPost })));
    const r = await bot.send(execute(bot, practitioner, VERBS.sharePost, { assessmentId: a.id, teamId: team.teamId, supervisors: boss.aadObjectId }));
    const text = cardText(cardOf(r));
    expect(text).toMatch(/Teams is busy/);
    expect(text).toMatch(/Your assessment is safe and unchanged/);
    const tries = bot.connector.calls.filter(isPost).length;
    expect(tries).toBeGreaterThan(1);
    expect(tries).toBeLessThanOrEqual(12);
    const after = await bot.deps.assessmentRepository.get({ tenantId: practitioner.tenantId, aadObjectId: practitioner.aadObjectId }, a.id);
    expect(after).toEqual(before);
    const share = await bot.deps.shares.get(practitioner.tenantId, shareIdFor(practitioner.tenantId, a.id, team.teamId));
    expect(share?.share.status).toBe('failed');
    expect(await bot.deps.teams.get(practitioner.tenantId, team.teamId)).toBeDefined();

    // Once Teams recovers, Try again posts it.
    bot.connector.clearFaults();
    const retry = await bot.send(execute(bot, practitioner, VERBS.sharePost, { assessmentId: a.id, teamId: team.teamId, supervisors: boss.aadObjectId }));
    expect(cardText(cardOf(retry))).toMatch(/Shared with your team/);
  });

  it('when Teams answers 403 (bot removed from the team), then the practitioner is told kindly and the stale team is dropped', async () => {
    const team = await installedTeam();
    const a = await storeCompleted(bot, practitioner);
    const before = await bot.deps.assessmentRepository.get({ tenantId: practitioner.tenantId, aadObjectId: practitioner.aadObjectId }, a.id);
    bot.connector.fail({
      status: 403,
      body: { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } },
      match: isPost,
    });
    const r = await bot.send(execute(bot, practitioner, VERBS.sharePost, { assessmentId: a.id, teamId: team.teamId, supervisors: boss.aadObjectId }));
    const text = cardText(cardOf(r));
    expect(text).toMatch(/tencs is no longer in that team/);
    expect(text).toMatch(/your assessment is safe and unchanged/);
    expect(await bot.deps.teams.get(practitioner.tenantId, team.teamId)).toBeUndefined();
    const after = await bot.deps.assessmentRepository.get({ tenantId: practitioner.tenantId, aadObjectId: practitioner.aadObjectId }, a.id);
    expect(after).toEqual(before);
    const choose = cardOf(await bot.send(execute(bot, practitioner, VERBS.shareChoose, { assessmentId: a.id })));
    expect(JSON.stringify(choose)).not.toContain(team.teamId);
  });

  it('when the member lookup says 404 for the team itself, then the team is dropped too', async () => {
    const team = await installedTeam();
    const a = await storeCompleted(bot, practitioner);
    bot.connector.fail({
      status: 404,
      body: { error: { code: 'ConversationNotFound', message: 'Conversation not found.' } },
      match: (c) => c.method === 'GET' && c.path.includes('/members/'),
    });
    const r = await bot.send(execute(bot, practitioner, VERBS.sharePost, { assessmentId: a.id, teamId: team.teamId, supervisors: boss.aadObjectId }));
    expect(cardText(cardOf(r))).toMatch(/tencs is no longer in that team/);
    expect(await bot.deps.teams.get(practitioner.tenantId, team.teamId)).toBeUndefined();
  });

  it('when the card update after an acknowledgement fails, then the acknowledgement is still recorded and returned', async () => {
    const team = await installedTeam();
    const a = await storeCompleted(bot, practitioner);
    await bot.send(execute(bot, practitioner, VERBS.sharePost, { assessmentId: a.id, teamId: team.teamId, supervisors: boss.aadObjectId }));
    const share = (await bot.deps.shares.get(practitioner.tenantId, shareIdFor(practitioner.tenantId, a.id, team.teamId)))!.share;
    const thread: TestChannel = { teamId: team.teamId, channelId: team.channelId, rootMessageId: share.activityId!, conversationId: share.conversationId! };
    bot.connector.fail({ status: 400, body: { error: { code: 'BadArgument', message: 'injected' } }, match: (c) => c.method === 'PUT' });
    const r = await bot.send(channelExecute(bot, boss, thread, VERBS.shareAck, { shareId: share.id }));
    expect(cardText(cardOf(r))).toContain('Morgan Manager');
    expect((await bot.deps.shares.entries(share)).acks).toHaveLength(1);
  });
});

describe('team install and removal', () => {
  let bot: TestBot;
  const owner = newUser('Team Owner');
  beforeAll(async () => {
    bot = await startTestBot({ RATE_LIMIT_BURST: '1000' });
  });
  afterAll(async () => {
    await bot.close();
  });

  it('when the bot is removed from a team, then its reference is deleted', async () => {
    const team = newTeam();
    await bot.send(teamUpdate(bot, owner, team, 'added'));
    expect(await bot.deps.teams.get(owner.tenantId, team.teamId)).toBeDefined();
    await bot.send(teamUpdate(bot, owner, team, 'removed'));
    expect(await bot.deps.teams.get(owner.tenantId, team.teamId)).toBeUndefined();
  });

  it('when an installationUpdate adds and then removes the app in a team, then the reference follows', async () => {
    const team = newTeam('Installed by admin');
    const added = await bot.send(installation(bot, owner, team, 'add'));
    expect(added.status).toBe(200);
    expect((await bot.deps.teams.listForTenant(owner.tenantId)).map((t) => t.teamId)).toContain(team.teamId);
    await bot.send(installation(bot, owner, team, 'remove'));
    expect(await bot.deps.teams.get(owner.tenantId, team.teamId)).toBeUndefined();
  });

  it('when someone else joins a team, then nothing about the team changes', async () => {
    const team = newTeam();
    const joined = { ...teamUpdate(bot, owner, team, 'added'), membersAdded: [{ id: owner.id }] };
    await bot.send(joined);
    expect(await bot.deps.teams.get(owner.tenantId, team.teamId)).toBeUndefined();
  });

  it('when the bot is installed in personal scope, then no team is recorded', async () => {
    const before = await bot.deps.teams.listForTenant(owner.tenantId);
    await bot.send({
      ...teamUpdate(bot, owner, newTeam(), 'added'),
      conversation: { id: owner.conversationId, conversationType: 'personal', tenantId: owner.tenantId },
      channelData: { tenant: { id: owner.tenantId } },
    });
    expect(await bot.deps.teams.listForTenant(owner.tenantId)).toEqual(before);
  });
});
