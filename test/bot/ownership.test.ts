import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { cardOf, cardText, execute, message, newUser, startTestBot, type TestBot, type TestUser } from '../helpers/bot-harness.js';
import { completeAssessment } from '../helpers/full-assessment.js';

const ownerOf = (u: TestUser) => ({ tenantId: u.tenantId, aadObjectId: u.aadObjectId });

/** Every card verb that names an assessment, with the data a forged card would carry for someone else's. */
function forgedActions(assessmentId: string, rev: number): [string, string, Record<string, unknown>][] {
  const ref = { assessmentId, rev, step: 'confidentiality', mode: 'flow' };
  const overwrite = { strengths: 'forged overwrite', vulnerabilities: 'forged', risk: 'low', resilience: 'strong' };
  return [
    ['view (open from the list)', VERBS.open, { assessmentId }],
    ['acknowledge cautions', VERBS.cautionsAck, { ...ref, step: 'cautions' }],
    ['edit: save and next', VERBS.stepNext, { ...ref, ...overwrite }],
    ['edit: back', VERBS.stepBack, { ...ref, ...overwrite }],
    ['edit: skip', VERBS.stepSkip, { ...ref, ...overwrite }],
    ['edit: finish later', VERBS.stepLater, { ...ref, ...overwrite }],
    ['edit: keep my version', VERBS.conflictKeepMine, { ...ref, ...overwrite, action: 'next' }],
    ['view: keep the saved version', VERBS.conflictKeepSaved, ref],
    ['edit from review', VERBS.reviewEdit, { ...ref, step: 'review', target: 'confidentiality' }],
    ['complete', VERBS.reviewComplete, { ...ref, step: 'review' }],
    ['view the summary', VERBS.summaryView, { assessmentId }],
    ['copy for case record', VERBS.summaryCopy, { assessmentId }],
    ['share: choose a team', VERBS.shareChoose, { assessmentId }],
    ['share: post to a team', VERBS.sharePost, { assessmentId, teamId: '19:any-team@thread.tacv2' }],
    ['delete: ask', VERBS.privacyDeleteAsk, { assessmentId }],
    ['delete: confirm', VERBS.privacyDeleteConfirm, { assessmentId }],
    ['delete: keep', VERBS.privacyDeleteCancel, { assessmentId }],
  ];
}

describe('card action data is client input: every action checks the sender owns the assessment', () => {
  let bot: TestBot;
  const owner = newUser('Owner');
  let id: string;

  beforeAll(async () => {
    bot = await startTestBot();
    ({ id } = await completeAssessment(bot, owner, 'CR-OWN-1', (field, step) => `${step} ${field} owner-text`));
  });
  afterAll(async () => {
    await bot.close();
  });

  const stored = async () => (await bot.deps.assessmentRepository.get(ownerOf(owner), id))!;
  const refusals = async (actor: TestUser) =>
    (await bot.deps.audit.listForAssessments([id])).filter(
      (e) => e.action === 'refused' && e.actorId === actor.aadObjectId && e.actorTenantId === actor.tenantId,
    ).length;

  const intruders: [string, () => TestUser][] = [
    ['a colleague in the same tenant', () => newUser('Colleague')],
    ['the same object id in another tenant', () => ({ ...newUser('Lookalike', randomUUID()), aadObjectId: owner.aadObjectId })],
  ];

  for (const [who, make] of intruders) {
    it(`when ${who} sends every assessment action with the owner's id, then each is refused, nothing changes, nothing leaks and the refusal is audited once per hour`, async () => {
      const intruder = make();
      const before = await stored();
      const actions = forgedActions(id, before.assessment.rev);
      for (const [name, verb, data] of actions) {
        const refusedBefore = await refusals(intruder);
        const result = await bot.send(execute(bot, intruder, verb, data));
        expect(result.status, name).toBe(200);
        const text = cardText(cardOf(result));
        expect(text, name).toMatch(/can't|couldn't|isn't among yours/i);
        expect(text, name).not.toContain('owner-text');
        expect(text, name).not.toContain('CR-OWN-1');
        // The trail shows the refusal; repeats within the hour are the same row (issue 12: refusals' cost is bounded).
        const refusedAfter = await refusals(intruder);
        expect(refusedAfter, `${name} audited`).toBeGreaterThanOrEqual(1);
        expect(refusedAfter, `${name} audited once`).toBeLessThanOrEqual(refusedBefore + 1);
      }
      // Every kind of action refused, yet at most one row (two if an hour's boundary was crossed).
      expect(await refusals(intruder)).toBeLessThanOrEqual(2);
      const after = await stored();
      expect(after.etag).toBe(before.etag);
      expect(after.assessment).toEqual(before.assessment);
    });
  }

  it("when a colleague types resume, my assessments, export, audit or delete, then nothing of the owner's assessment is shown (the reference they typed may be echoed back)", async () => {
    const colleague = newUser('Colleague');
    for (const text of ['resume', 'my assessments', 'export CR-OWN-1', 'audit CR-OWN-1', 'delete CR-OWN-1']) {
      const result = await bot.send(message(bot, colleague, text));
      const shown = JSON.stringify(result.sent);
      expect(shown, text).not.toContain('owner-text');
      expect(shown, text).not.toContain(id);
    }
  });

  it('when the owner opens it, then it opens (the refusals above were about the sender, not the id)', async () => {
    const result = await bot.send(execute(bot, owner, VERBS.open, { assessmentId: id }));
    expect(cardText(cardOf(result))).toContain('CR-OWN-1');
  });
});
