import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { assessmentIdFor } from '../../src/storage/assessment-repository.js';
import type { Assessment } from '../../src/tencs/assessment.js';
import { shareIdFor } from '../../src/tencs/sharing.js';
import { cardOf, cardText, execute, message, newUser, startTestBot, type TestBot, type TestUser, type TurnResult } from '../helpers/bot-harness.js';
import { press } from '../helpers/card-driver.js';
import { channelExecute, newTeam, teamUpdate, type TestChannel, type TestTeam } from '../helpers/channel.js';
import { activityIn, isChannelPost, type ConnectorCall } from '../helpers/connector.js';
import { SEXTORTION_14 } from '../fixtures/summary-cases.js';

// Issue 15 part 6: need-to-know in the channel. The channel's message history holds only the case reference,
// who shared it, for whom and its status; the full summary is each named supervisor's (and the practitioner's)
// own view, decided on the server at every refresh and every press.

/** Every string the practitioner typed in an assessment (free text: anything with a space in it), except the case reference. */
function typedStrings(a: Assessment): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (/\s/.test(v.trim()) && v.trim().length >= 6) out.push(v.trim());
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk({ answers: a.answers, composite: a.composite });
  return out;
}

const member = (u: TestUser) => ({ id: u.id, aadObjectId: u.aadObjectId, name: u.name });
const channelCalls = (calls: ConnectorCall[]) => calls.filter((c) => c.method === 'PUT' || isChannelPost(c));
const cardIn = (body: Record<string, unknown>) => ((body.activity ?? body) as { attachments: { content: Record<string, unknown> }[] }).attachments[0]!.content;
const messageOf = (result: TurnResult) => (result.body as { value?: unknown }).value;
const buttons = (card: unknown) => (JSON.stringify(card).match(/"title":"[^"]+"/g) ?? []).map((t) => t.slice(9, -1));

/** Teams' automatic refresh of a card in a channel thread (Universal Actions user-specific views). */
function refresh(bot: TestBot, user: TestUser, thread: TestChannel, shareId: string): Record<string, unknown> {
  const activity = channelExecute(bot, user, thread, VERBS.shareShow, { shareId });
  return { ...activity, value: { ...(activity.value as object), trigger: 'automatic' } };
}

describe('need-to-know in the channel: the short card, named supervisors and user-specific views', () => {
  let bot: TestBot;
  const practitioner = newUser('Pat Practitioner');
  const manager = newUser('Morgan Manager');
  const deputy = newUser('Dee Deputy');
  const colleague = newUser('Casey Colleague');
  const outsider = newUser('Olu Outsider');
  const team = newTeam('Children in Need East');
  const otherTeam = newTeam('Fostering West');

  beforeAll(async () => {
    bot = await startTestBot({ RATE_LIMIT_BURST: '1000' });
    bot.connector.members(team.teamId, [member(practitioner), member(manager), member(deputy), member(colleague)]);
    bot.connector.members(otherTeam.teamId, [member(outsider)]);
    await bot.send(teamUpdate(bot, manager, team, 'added'));
  });
  afterAll(async () => {
    await bot.close();
  });

  async function stored(from: Assessment = SEXTORTION_14): Promise<Assessment> {
    const a: Assessment = { ...from, id: assessmentIdFor(randomUUID(), new Date()), tenantId: practitioner.tenantId, ownerId: practitioner.aadObjectId };
    await bot.deps.assessmentRepository.create(a);
    return a;
  }

  async function shareFor(
    supervisors: readonly TestUser[],
    to: TestTeam = team,
  ): Promise<{ assessment: Assessment; shareId: string; thread: TestChannel; result: TurnResult }> {
    const assessment = await stored();
    const result = await bot.send(
      execute(bot, practitioner, VERBS.sharePost, {
        assessmentId: assessment.id,
        teamId: to.teamId,
        supervisors: supervisors.map((u) => u.aadObjectId).join(','),
      }),
    );
    const share = (await bot.deps.shares.get(practitioner.tenantId, shareIdFor(practitioner.tenantId, assessment.id, to.teamId)))?.share;
    expect(share?.status).toBe('posted');
    return {
      assessment,
      result,
      shareId: share!.id,
      thread: { teamId: to.teamId, channelId: to.channelId, rootMessageId: share!.activityId!, conversationId: share!.conversationId! },
    };
  }

  it('when a realistic assessment is shared, acknowledged, noted on, refreshed and deleted, then nothing the practitioner typed is ever in what the channel received', async () => {
    bot.connector.clear();
    const { assessment, shareId, thread } = await shareFor([manager, deputy]);
    await bot.send(refresh(bot, manager, thread, shareId));
    await bot.send(refresh(bot, colleague, thread, shareId));
    await bot.send(channelExecute(bot, manager, thread, VERBS.shareAck, { shareId }));
    await bot.send(channelExecute(bot, deputy, thread, VERBS.shareNote, { shareId, note: 'Strategy discussion on Monday.' }));
    await bot.send(channelExecute(bot, colleague, thread, VERBS.shareAck, { shareId }));
    const confirm = cardOf(await bot.send(message(bot, practitioner, `delete ${assessment.setup!.caseRef}`)));
    await press(bot, practitioner, confirm, VERBS.privacyDeleteConfirm);

    // The post (a created conversation, or on the Teams SDK host an activity to the channel) and what went to its thread.
    const sent = channelCalls(bot.connector.calls).filter((c) => [thread.channelId, thread.conversationId, ''].includes(c.conversationId));
    // The post, the update after the acknowledgement and after the note, and the "removed" card.
    expect(sent.length).toBeGreaterThanOrEqual(4);
    const history = JSON.stringify(sent.map((c) => c.body));
    const typed = typedStrings(SEXTORTION_14);
    expect(typed.length).toBeGreaterThan(15);
    expect(typed).toContain("He said: 'If it goes out I can't go back to school.'");
    for (const text of typed) expect(history, `typed text in the channel: ${text}`).not.toContain(JSON.stringify(text).slice(1, -1));
    // Not even the supervisors' own notes, nor the map and prompts.
    expect(history).not.toContain('Strategy discussion on Monday');
    expect(history).not.toMatch(/Risk of harm|Reflective supervision prompts/);
    // The cards that did go there say who and what state, and the last one has no refresh that could reveal anything.
    expect(cardText(cardIn(sent[0]!.body))).toContain(assessment.setup!.caseRef);
    expect(cardText(cardIn(sent.at(-2)!.body))).toMatch(/Acknowledged by Morgan Manager/);
    const removed = cardIn(sent.at(-1)!.body);
    expect(cardText(removed)).toMatch(/no longer available/);
    expect(removed.refresh).toBeUndefined();
    expect(JSON.stringify(removed)).not.toContain(assessment.setup!.caseRef);
    expect(JSON.stringify(removed)).not.toContain(VERBS.shareShow);
  });

  it('when shared, then the post @mentions each named supervisor with their Teams id and refreshes for them and the practitioner only', async () => {
    bot.connector.clear();
    await shareFor([manager, deputy]);
    const post = bot.connector.calls.find(isChannelPost)!;
    const activity = activityIn(post) as { text: string; entities: { type: string; text: string; mentioned: { id: string; name: string; role: string } }[] };
    expect(activity.entities).toEqual([
      { type: 'mention', text: '<at>Morgan Manager</at>', mentioned: { id: manager.id, name: 'Morgan Manager', role: 'user' } },
      { type: 'mention', text: '<at>Dee Deputy</at>', mentioned: { id: deputy.id, name: 'Dee Deputy', role: 'user' } },
    ]);
    expect(activity.text).toContain('<at>Morgan Manager</at>');
    const card = cardIn(post.body) as {
      refresh: { action: { verb: string; data: { shareId: string } }; userIds: string[] };
      msteams: { entities: { mentioned: { id: string } }[] };
    };
    expect(card.refresh.action.verb).toBe(VERBS.shareShow);
    expect(card.refresh.userIds).toEqual([manager.id, deputy.id, practitioner.id]);
    expect(card.msteams.entities.map((e) => e.mentioned.id)).toEqual([manager.id, deputy.id]);
    expect(cardText(card)).toContain('For <at>Morgan Manager</at>, <at>Dee Deputy</at>');
    expect(buttons(card)).toEqual(['Show the summary', 'Show the summary']);
  });

  it("when a named supervisor's card refreshes, then they get the full summary with the young person's words, the plan, Acknowledge and Add a supervision note", async () => {
    const { shareId, thread } = await shareFor([manager]);
    bot.connector.clear();
    const result = await bot.send(refresh(bot, manager, thread, shareId));
    const card = cardOf(result);
    const text = cardText(card);
    expect(text).toContain("He said: 'If it goes out I can't go back to school.'");
    expect(text).toContain('Report Remove with him so the image can be blocked from being shared');
    expect(text).toMatch(/Risk and resilience map/);
    expect(buttons(card)).toEqual(expect.arrayContaining(['Acknowledge', 'Add a supervision note']));
    // The answer is that person's own view: the channel's message was not replaced with it.
    expect(channelCalls(bot.connector.calls)).toEqual([]);
    expect(card.refresh).toBeUndefined();
  });

  it('when the practitioner who shared refreshes or presses Show the summary, then they see the full summary but cannot acknowledge', async () => {
    const { shareId, thread } = await shareFor([manager]);
    const card = cardOf(await bot.send(channelExecute(bot, practitioner, thread, VERBS.shareShow, { shareId })));
    expect(cardText(card)).toContain("He said: 'I thought she was 15. I feel stupid.'");
    expect(buttons(card)).not.toContain('Acknowledge');
    expect(buttons(card)).not.toContain('Add a supervision note');
  });

  it('when another member of the team, or someone in another team, refreshes or presses Show the summary, then they get the short card only', async () => {
    const { assessment, shareId, thread } = await shareFor([manager]);
    const elsewhere: TestChannel = {
      teamId: otherTeam.teamId,
      channelId: otherTeam.channelId,
      rootMessageId: '1',
      conversationId: `${otherTeam.channelId};messageid=1`,
    };
    for (const [who, where] of [
      [colleague, thread],
      [outsider, elsewhere],
      [outsider, thread],
    ] as const) {
      for (const activity of [refresh(bot, who, where, shareId), channelExecute(bot, who, where, VERBS.shareShow, { shareId })]) {
        const card = cardOf(await bot.send(activity));
        const text = cardText(card);
        expect(text).toContain(assessment.setup!.caseRef);
        expect(text).toMatch(/Only the supervisors named here and the practitioner who shared it can open the full summary/);
        for (const typed of typedStrings(SEXTORTION_14)) expect(JSON.stringify(card)).not.toContain(JSON.stringify(typed).slice(1, -1));
        expect(text).not.toMatch(/Risk and resilience map/);
        expect(buttons(card)).toEqual(['Show the summary']);
        expect(card.refresh).toBeUndefined();
      }
    }
  });

  it("when someone in another tenant asks for a share's view, then it is not found", async () => {
    const { shareId, thread } = await shareFor([manager]);
    const stranger = newUser('Other tenant', '99999999-9999-4999-8999-999999999999');
    const r = await bot.send(refresh(bot, stranger, thread, shareId));
    expect(messageOf(r)).toMatch(/can't find this shared summary any more, so there is nothing to show/);
  });

  it('when a team member who is not a named supervisor presses Acknowledge or saves a note, then it is refused kindly, nothing is recorded and the refusal is audited', async () => {
    const { shareId, thread } = await shareFor([manager]);
    bot.connector.clear();
    const ack = await bot.send(channelExecute(bot, colleague, thread, VERBS.shareAck, { shareId }));
    expect(messageOf(ack)).toMatch(
      /Only the supervisors the practitioner named on this summary can acknowledge it or add supervision notes. Nothing was recorded/,
    );
    const note = await bot.send(channelExecute(bot, colleague, thread, VERBS.shareNote, { shareId, note: 'Not my case.' }));
    expect(messageOf(note)).toMatch(/Only the supervisors the practitioner named/);
    const share = (await bot.deps.shares.get(practitioner.tenantId, shareId))!.share;
    expect(await bot.deps.shares.entries(share)).toEqual({ acks: [], notes: [] });
    expect(channelCalls(bot.connector.calls)).toEqual([]);
    const trail = await bot.deps.audit.listForAssessments([share.assessmentId]);
    expect(trail.filter((e) => e.action === 'refused' && e.actorId === colleague.aadObjectId).map((e) => e.detail)).toEqual(['share-ack', 'share-note']);
  });

  it('when the people picker answers with something that is not an Entra object id, with none, or with too many, then nothing is posted and the practitioner is asked again', async () => {
    const assessment = await stored();
    bot.connector.clear();
    const cases: [string, RegExp][] = [
      ['29:not-a-guid', /couldn't read the people you chose/],
      [`${manager.aadObjectId},<script>`, /couldn't read the people you chose/],
      ['', /Name at least one supervisor/],
      [Array.from({ length: 6 }, () => randomUUID()).join(','), /up to 5 supervisors/],
    ];
    for (const [supervisors, why] of cases) {
      const card = cardOf(await bot.send(execute(bot, practitioner, VERBS.sharePost, { assessmentId: assessment.id, teamId: team.teamId, supervisors })));
      expect(cardText(card)).toMatch(why);
      expect(cardText(card)).toContain('Share with my team');
    }
    expect(channelCalls(bot.connector.calls)).toEqual([]);
    expect(await bot.deps.shares.get(practitioner.tenantId, shareIdFor(practitioner.tenantId, assessment.id, team.teamId))).toBeUndefined();
  });

  it('when a named supervisor is not a member of the chosen team, then nothing is posted, the practitioner is told kindly and the refusal is audited', async () => {
    const assessment = await stored();
    bot.connector.clear();
    const card = cardOf(
      await bot.send(
        execute(bot, practitioner, VERBS.sharePost, {
          assessmentId: assessment.id,
          teamId: team.teamId,
          supervisors: `${manager.aadObjectId},${outsider.aadObjectId}`,
        }),
      ),
    );
    expect(cardText(card)).toMatch(/Choose supervisors from that team/);
    expect(cardText(card)).toMatch(/One of the people you named isn't a member of that team/);
    expect(channelCalls(bot.connector.calls)).toEqual([]);
    const trail = await bot.deps.audit.listForAssessments([assessment.id]);
    expect(trail.filter((e) => e.action === 'refused').map((e) => e.detail)).toEqual(['share-supervisor-not-member']);
  });

  it('when the practitioner opens Share with my team, then the team members are offered as supervisors (not the practitioner), and when Teams cannot list them, the people picker searches the organisation', async () => {
    const assessment = await stored();
    const pickerOf = (card: unknown) => /\{"type":"Input.ChoiceSet","id":"supervisors".*?\]\}/.exec(JSON.stringify(card))?.[0] ?? '';
    const listed = pickerOf(cardOf(await bot.send(execute(bot, practitioner, VERBS.shareChoose, { assessmentId: assessment.id }))));
    expect(listed).toContain('"isMultiSelect":true');
    for (const u of [manager, deputy, colleague]) expect(listed).toContain(`{"title":"${u.name}","value":"${u.aadObjectId}"}`);
    expect(listed).not.toContain(practitioner.aadObjectId);
    expect(listed).not.toContain('choices.data');

    bot.connector.fail(
      ...Array.from({ length: 12 }, () => ({
        status: 400,
        body: { error: { code: 'BadArgument', message: 'injected' } },
        match: (c: ConnectorCall) => c.path.toLowerCase().endsWith('/pagedmembers'),
      })),
    );
    const card = cardOf(await bot.send(execute(bot, practitioner, VERBS.shareChoose, { assessmentId: assessment.id })));
    bot.connector.clearFaults();
    const json = JSON.stringify(card);
    expect(json).toContain('"choices.data":{"type":"Data.Query","dataset":"graph.microsoft.com/users"}');
    expect(json).toContain('"isMultiSelect":true');
    expect(json).not.toContain(manager.aadObjectId);
  });

  it('when a share made before supervisors were named is shown, then its card is short for everyone and full only for the practitioner', async () => {
    const { shareId, thread } = await shareFor([manager]);
    const found = (await bot.deps.shares.get(practitioner.tenantId, shareId))!;
    await bot.deps.shares.replace({ ...found.share, supervisors: undefined }, found.etag);
    const asManager = cardOf(await bot.send(refresh(bot, manager, thread, shareId)));
    expect(cardText(asManager)).toMatch(/Only the practitioner who shared it can open the full summary/);
    expect(cardText(asManager)).not.toMatch(/Risk and resilience map/);
    const asOwner = cardOf(await bot.send(refresh(bot, practitioner, thread, shareId)));
    expect(cardText(asOwner)).toMatch(/Risk and resilience map/);
  });
});
