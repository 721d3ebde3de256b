import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { assessmentIdFor } from '../../src/storage/assessment-repository.js';
import type { Assessment } from '../../src/tencs/assessment.js';
import type { Owner } from '../../src/tencs/owner.js';
import { shareIdFor } from '../../src/tencs/sharing.js';
import {
  cardOf,
  cardText,
  execute,
  message,
  newUser,
  startTestBot,
  TEST_TENANT,
  type TestBot,
  type TestUser,
  type TurnResult,
} from '../helpers/bot-harness.js';
import { executeActions, press } from '../helpers/card-driver.js';
import { channelExecute, newTeam, teamUpdate, type TestTeam } from '../helpers/channel.js';
import { activityIn, isChannelPost } from '../helpers/connector.js';
import { SEXTORTION_14 } from '../fixtures/summary-cases.js';

// Issue 16: "A team manager may also reassign assessments shared to their team when the owner has left."
// The manager is a supervisor the practitioner named on that share and still in the team; the practitioner
// has left when Teams says they are not a member; the colleague accepts through the same hand-over saga.

type Card = Record<string, unknown>;
const OTHER_TENANT = '22222222-2222-4222-8222-222222222222';
const ownerOf = (u: TestUser): Owner => ({ tenantId: u.tenantId, aadObjectId: u.aadObjectId });
const member = (u: TestUser) => ({ id: u.id, aadObjectId: u.aadObjectId, name: u.name });
const textOf = (r: TurnResult): string => {
  const body = r.body as { type?: string; value?: Card } | undefined;
  const cards = [...(body?.type === 'application/vnd.microsoft.card.adaptive' && body.value ? [body.value] : [])];
  for (const a of r.sent) cards.push(...((a.attachments as { content: Card }[] | undefined) ?? []).map((x) => x.content));
  return [...cards.map(cardText), ...r.sent.map((a) => (typeof a.text === 'string' ? a.text : ''))].join('\n');
};

describe('a named supervisor reassigns a departed practitioner’s shared assessments', () => {
  let bot: TestBot;
  const practitioner = newUser('Pat Practitioner');
  const manager = newUser('Morgan Manager');
  const deputy = newUser('Dee Deputy');
  const colleague = newUser('Casey Colleague');
  const team: TestTeam = newTeam('Children in Need East');

  beforeAll(async () => {
    bot = await startTestBot({ RATE_LIMIT_BURST: '1000', RATE_LIMIT_PER_MINUTE: '1000', ALLOWED_TENANTS: `${TEST_TENANT},${OTHER_TENANT}` });
    bot.connector.members(team.teamId, [member(practitioner), member(manager), member(deputy)]);
    await bot.send(teamUpdate(bot, manager, team, 'added'));
    await bot.send(message(bot, colleague, 'help')); // The colleague has used tencs in personal chat.
  });
  afterAll(async () => {
    await bot.close();
  });

  /** The practitioner's assessment of `caseRef`, shared to the team for the manager, with a supervision note from the manager. */
  async function shared(caseRef: string): Promise<{ a: Assessment; shareId: string }> {
    const now = new Date().toISOString();
    const a: Assessment = {
      ...SEXTORTION_14,
      id: assessmentIdFor(randomUUID(), new Date()),
      tenantId: practitioner.tenantId,
      ownerId: practitioner.aadObjectId,
      setup: { ...SEXTORTION_14.setup!, caseRef },
      createdAt: now,
      updatedAt: now,
      completedAt: now,
    };
    await bot.deps.assessmentRepository.create(a);
    await bot.send(execute(bot, practitioner, VERBS.sharePost, { assessmentId: a.id, teamId: team.teamId, supervisors: manager.aadObjectId }));
    const share = (await bot.deps.shares.get(practitioner.tenantId, shareIdFor(practitioner.tenantId, a.id, team.teamId)))!.share;
    expect(share.status).toBe('posted');
    const thread = { teamId: team.teamId, channelId: team.channelId, rootMessageId: share.activityId!, conversationId: share.conversationId! };
    await bot.send(channelExecute(bot, manager, thread, VERBS.shareNote, { shareId: share.id, note: 'Strategy discussion on Monday.' }));
    return { a, shareId: share.id };
  }

  const offersTo = (u: TestUser): Card[] =>
    bot.connector.calls
      .filter((c) => c.method === 'POST' && c.conversationId === u.conversationId)
      .flatMap((c) => ((c.body.attachments as { content: Card }[] | undefined) ?? []).map((x) => x.content))
      .filter((card) => executeActions(card).some((x) => x.verb === VERBS.handOverAccept));

  it('when the practitioner is still in the team, then the supervisor is told they can hand it over themselves, and nothing is offered', async () => {
    const { a } = await shared('CR-9101');
    // The card in the channel (the same for everyone, so a manager on a phone sees it) says how to reassign.
    const post = bot.connector.calls.filter(isChannelPost).at(-1)!;
    const channelCard = (activityIn(post) as { attachments: { content: Card }[] }).attachments[0]!.content;
    expect(cardText(channelCard)).toContain('reassign CR-9101');
    const before = offersTo(colleague).length;
    expect(textOf(await bot.send(message(bot, manager, 'reassign CR-9101')))).toContain('The practitioner is still in the team');
    const forced = textOf(await bot.send(execute(bot, manager, VERBS.reassignOffer, { caseRef: 'CR-9101', colleague: colleague.aadObjectId })));
    expect(forced).toContain('The practitioner is still in the team');
    expect(offersTo(colleague)).toHaveLength(before);
    expect((await bot.deps.assessmentRepository.get(ownerOf(practitioner), a.id))?.handOver).toBeUndefined();
  });

  describe('once the practitioner has left the team', () => {
    let caseA: { a: Assessment; shareId: string };
    beforeAll(async () => {
      caseA = await shared('CR-9102');
      // The practitioner leaves: Teams now answers "not a member" for them.
      bot.connector.members(team.teamId, [member(manager), member(deputy)]);
    });

    it('when someone who is not a named supervisor asks (a team member, the same id in another tenant, or a supervisor who left the team too), then it is refused and nothing is offered', async () => {
      const before = offersTo(colleague).length;
      expect(textOf(await bot.send(message(bot, deputy, 'reassign CR-9102')))).toContain('Nothing you can reassign');
      expect(textOf(await bot.send(execute(bot, deputy, VERBS.reassignOffer, { caseRef: 'CR-9102', colleague: colleague.aadObjectId })))).toContain(
        'Nothing you can reassign',
      );
      // The manager's own object id, but signed for another tenant: the share is not in that tenant at all.
      const elsewhere: TestUser = { ...manager, tenantId: OTHER_TENANT, conversationId: `a:personal-other-${manager.aadObjectId}` };
      expect(textOf(await bot.send(message(bot, elsewhere, 'reassign CR-9102')))).toContain('Nothing you can reassign');
      expect(textOf(await bot.send(execute(bot, elsewhere, VERBS.reassignOffer, { caseRef: 'CR-9102', colleague: colleague.aadObjectId })))).toContain(
        'Nothing you can reassign',
      );
      // A named supervisor who has left the team too is no longer its manager.
      bot.connector.members(team.teamId, [member(deputy)]);
      expect(textOf(await bot.send(message(bot, manager, 'reassign CR-9102')))).toContain('Nothing you can reassign');
      bot.connector.members(team.teamId, [member(manager), member(deputy)]);
      expect(offersTo(colleague)).toHaveLength(before);
      expect((await bot.deps.assessmentRepository.get(ownerOf(practitioner), caseA.a.id))?.handOver).toBeUndefined();
    });

    it('when Teams cannot say whether the practitioner is in the team, then it is refused (fail closed) and nothing is offered', async () => {
      const before = offersTo(colleague).length;
      const noAnswer = () => ({
        status: 403,
        body: { error: { code: 'BotNotInConversationRoster', message: 'not in the team' } },
        match: (c: { method: string; path: string }) => c.method === 'GET' && c.path.includes(`/members/${practitioner.aadObjectId}`),
      });
      bot.connector.fail(noAnswer(), noAnswer(), noAnswer(), noAnswer());
      expect(textOf(await bot.send(message(bot, manager, 'reassign CR-9102')))).toContain('Teams could not confirm the team just now');
      bot.connector.clearFaults();
      bot.connector.fail(noAnswer(), noAnswer(), noAnswer(), noAnswer());
      expect(textOf(await bot.send(execute(bot, manager, VERBS.reassignOffer, { caseRef: 'CR-9102', colleague: colleague.aadObjectId })))).toContain(
        'Teams could not confirm',
      );
      bot.connector.clearFaults();
      expect(offersTo(colleague)).toHaveLength(before);
    });

    it('when the named supervisor reassigns it and the colleague accepts, then a colleague outside the team is refused, and a colleague in the team who accepts owns it with its share and notes, and the supervisor is in the audit', async () => {
      const choose = cardOf(await bot.send(message(bot, manager, 'reassign CR-9102')));
      expect(cardText(choose)).toContain('Reassign a case from a practitioner who has left');
      expect(cardText(choose)).toContain('Children in Need East');
      expect(JSON.stringify(choose)).toContain('graph.microsoft.com/users');
      // A colleague outside the team the case was shared to is refused: the share moves with the case.
      const before = offersTo(colleague).length;
      const outside = textOf(await press(bot, manager, choose, VERBS.reassignOffer, { colleague: colleague.aadObjectId }));
      expect(outside).toContain('Choose a colleague in the team');
      expect(outside).toContain('Children in Need East');
      expect(offersTo(colleague)).toHaveLength(before);
      expect((await bot.deps.assessmentRepository.get(ownerOf(practitioner), caseA.a.id))?.handOver).toBeUndefined();
      bot.connector.members(team.teamId, [member(manager), member(deputy), member(colleague)]);
      const sent = cardOf(await press(bot, manager, choose, VERBS.reassignOffer, { colleague: colleague.aadObjectId }));
      expect(cardText(sent)).toContain('Hand-over offered');

      const offer = offersTo(colleague).at(-1)!;
      expect(cardText(offer)).toContain('A supervisor is reassigning a case to you');
      expect(cardText(offer)).toContain('CR-9102');
      expect(cardText(cardOf(await press(bot, colleague, offer, VERBS.handOverAccept)))).toContain('The case is yours now');

      // The colleague owns it, every answer intact; the share names them and keeps its note.
      const stored = await bot.deps.assessmentRepository.get(ownerOf(colleague), caseA.a.id);
      expect(stored?.assessment.answers).toEqual(caseA.a.answers);
      expect(stored?.handOver).toBeUndefined();
      expect(await bot.deps.assessmentRepository.get(ownerOf(practitioner), caseA.a.id)).toBeUndefined();
      const share = (await bot.deps.shares.get(colleague.tenantId, caseA.shareId))!.share;
      expect(share.ownerId).toBe(colleague.aadObjectId);
      expect(share.supervisors?.map((s) => s.aadObjectId)).toEqual([manager.aadObjectId]);
      const { notes } = await bot.deps.shares.entries(share);
      expect(notes.map((n) => n.text)).toEqual(['Strategy discussion on Monday.']);
      expect(textOf(await bot.send(message(bot, colleague, 'my assessments')))).toContain('CR-9102');

      // Audited on every side: the supervisor offered and handed over (against the former owner's row), the colleague received.
      const trail = await bot.deps.audit.listForAssessments([caseA.a.id]);
      const line = (action: string, actor: TestUser) => trail.find((e) => e.action === action && e.actorId === actor.aadObjectId);
      expect(line('hand-over-offered', manager)?.detail).toMatch(/^reassign:/);
      expect(line('handed-over', manager)?.ownerKey).toContain(practitioner.aadObjectId);
      expect(line('received', colleague)?.ownerKey).toContain(colleague.aadObjectId);
      expect(trail.some((e) => e.actorId === practitioner.aadObjectId && e.action === 'handed-over')).toBe(false);

      // The share is the colleague's now, and they are in the team: the case is theirs to hand over, not the supervisor's to reassign.
      expect(textOf(await bot.send(message(bot, manager, 'reassign CR-9102')))).toContain('The practitioner is still in the team');
    });
  });
});
