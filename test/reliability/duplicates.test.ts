import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import type { AssessmentRepository } from '../../src/storage/assessment-repository.js';
import { formFromAssessment } from '../../src/tencs/step-forms.js';
import { startTestBot, type TestBot } from '../helpers/bot-harness.js';
import { botEnv, repositoryFor } from '../helpers/bot-process.js';
import { advanceTo, checkPromise, post, Practitioner, seededRandom, withNewId, type Move, type Seen } from '../helpers/practitioner.js';

describe('when the same action arrives twice, or two devices edit the same assessment', () => {
  let bot: TestBot;
  let repository: AssessmentRepository;
  let seed = 700;

  beforeAll(async () => {
    const env = botEnv(inject('tablesConnectionString'));
    bot = await startTestBot(env);
    repository = await repositoryFor(env, inject('tablesConnectionString'));
  });
  afterAll(async () => {
    await bot.close();
  });

  const send = (activity: Record<string, unknown>) => post(bot.url, bot.connector, activity);
  const owner = (p: Practitioner) => ({ tenantId: p.user.tenantId, aadObjectId: p.user.aadObjectId });
  const stored = async (p: Practitioner) => (await repository.get(owner(p), p.assessmentId!))!.assessment;

  async function onContext(): Promise<Practitioner> {
    const p = new Practitioner(`d${seed}`, bot.connector, seededRandom(seed++));
    await advanceTo(p, 'context', send);
    return p;
  }

  /** Sends `activities` at once and records each against `move` (same form), as Teams would show each device. */
  async function atOnce(p: Practitioner, moves: readonly Move[]): Promise<Seen[]> {
    const attempts = moves.map((m) => p.begin(m));
    const turns = await Promise.all(moves.map((m) => send(m.activity)));
    return turns.map((t, i) => p.finish(moves[i]!, attempts[i], t));
  }

  const stepOf = (s: Seen) => (s.kind === 'step' ? `${s.ref.step}@${s.ref.rev}` : s.kind);

  it('when the same activity id arrives twice, then it is written once and both answers show the same next card', async () => {
    const p = await onContext();
    const rev = (await stored(p)).rev;
    const move = p.submit(VERBS.stepNext);
    const [first] = await atOnce(p, [move]);
    const [second] = await atOnce(p, [move]);
    expect(stepOf(first!)).toBe(`content@${rev + 1}`);
    expect(stepOf(second!)).toBe(`content@${rev + 1}`);
    expect((await stored(p)).rev).toBe(rev + 1);
    expect(await checkPromise(repository, [p])).toEqual([]);
  });

  it('when the same card is submitted twice at once (same id, and a double click with a new id), then one write and one next card for both', async () => {
    const p = await onContext();
    const rev = (await stored(p)).rev;
    const move = p.submit(VERBS.stepNext);
    const seen = await atOnce(p, [move, move, { ...move, activity: withNewId(move.activity) }]);
    expect(seen.map(stepOf)).toEqual([`content@${rev + 1}`, `content@${rev + 1}`, `content@${rev + 1}`]);
    expect((await stored(p)).rev).toBe(rev + 1);
    expect(await checkPromise(repository, [p])).toEqual([]);
  });

  it('when two devices save different answers from cards with the same rev, one after the other, then the second gets a conflict with both versions and nothing is overwritten until it chooses', async () => {
    const p = await onContext();
    const card = p.card;
    const laptop = p.submit(VERBS.stepNext);
    const [saved] = await atOnce(p, [laptop]);
    expect(stepOf(saved!)).toMatch(/^content@/);

    p.card = card;
    const phone = p.submit(VERBS.stepNext);
    const [conflict] = await atOnce(p, [phone]);
    expect(conflict!.kind).toBe('conflict');
    const now = await stored(p);
    expect(formFromAssessment(now, 'context')).toMatchObject(laptop.form!);
    expect(await checkPromise(repository, [p])).toEqual([]);

    // "Keep my version" carries the phone's text (kept on the conflict card) and is written.
    const mine = p.keepMine();
    expect(mine.form).toEqual(phone.form);
    const [after] = await atOnce(p, [mine]);
    expect(stepOf(after!)).toMatch(/^content@/);
    expect(formFromAssessment(await stored(p), 'context')).toMatchObject(phone.form!);
    expect(await checkPromise(repository, [p])).toEqual([]);
  });

  it('when two devices save different answers with the same rev at the same moment, then exactly one is confirmed, the other sees a conflict, and the stored answer is the confirmed one', async () => {
    const p = await onContext();
    const rev = (await stored(p)).rev;
    const card = p.card;
    const laptop = p.submit(VERBS.stepNext);
    p.card = card;
    const phone = p.submit(VERBS.stepNext);
    expect(phone.form).not.toEqual(laptop.form);
    const seen = await atOnce(p, [laptop, phone]);
    expect(seen.map((s) => s.kind).sort()).toEqual(['conflict', 'step']);
    const winner = seen[0]!.kind === 'step' ? laptop : phone;
    expect(formFromAssessment(await stored(p), 'context')).toMatchObject(winner.form!);
    expect((await stored(p)).rev).toBe(rev + 1);
    expect(await checkPromise(repository, [p])).toEqual([]);
  });

  it('when "start" arrives twice at once with the same activity, then one assessment exists and both show it', async () => {
    const p = new Practitioner(`d${seed}`, bot.connector, seededRandom(seed++));
    const move = p.start();
    const seen = await atOnce(p, [move, move]);
    const ids = seen.map((s) => (s.kind === 'step' ? s.ref.assessmentId : s.kind));
    expect(ids[0]).toBe(ids[1]);
    expect(await repository.listForOwner(owner(p))).toHaveLength(1);
    expect(await checkPromise(repository, [p])).toEqual([]);
  });

  it('when one device completes while another saves a change from an older card, then the change is refused with its text kept and the completed record is untouched', async () => {
    const p = await onContext();
    const oldCard = p.card;
    await advanceTo(p, 'review', send);
    const complete = { label: 'complete', kind: 'complete' as const, activity: p.press(VERBS.reviewComplete) };
    const both = await atOnce(p, [complete, complete]);
    expect(both.map((s) => s.kind)).toEqual(['completed', 'completed']);
    const before = await stored(p);

    p.card = oldCard;
    const late = p.submit(VERBS.stepNext);
    const [refused] = await atOnce(p, [late]);
    expect(refused!.kind === 'step' && refused!.refusedCompleted).toBe(true);
    const after = await stored(p);
    expect(after.rev).toBe(before.rev);
    expect(after.status).toBe('completed');
    expect(await checkPromise(repository, [p])).toEqual([]);
  });
});
