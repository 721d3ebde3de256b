import { alwaysShownFields } from '../../src/tencs/step-forms.js';
import { describe, expect, it } from 'vitest';
import { renderConsultTogether, renderTogether, renderTogetherOutcome, PARENT_LABEL, YOUNG_LABEL } from '../../src/cards/together-cards.js';
import { VERBS } from '../../src/cards/verbs.js';
import { ConflictError, StorageUnavailableError } from '../../src/storage/errors.js';
import type { AssessmentRepository, StoredAssessment } from '../../src/storage/assessment-repository.js';
import { AGE_BANDS, AssessmentSchema, LIMITS, RISK_LABELS, RESILIENCE_LABELS, type Assessment } from '../../src/tencs/assessment.js';
import { AssessmentService, type CardRef } from '../../src/tencs/assessment-service.js';
import type { Owner } from '../../src/tencs/owner.js';
import { TOGETHER_CONFLICT_NOTICE, TogetherService, applyTogether, type TogetherView } from '../../src/tencs/together.js';
import { parentWords, youngWords } from '../../src/tencs/together-words.js';
import { C_IDS, getC } from '../../src/tencs/ten-cs.js';

const OWNER: Owner = { tenantId: 't-1', aadObjectId: 'u-1' };
const ID = '8276543210987-abcdefghijkl';
const CASE_REF = 'CASE-REF-ZX81';
const SECRET = 'PRACTITIONER-ONLY-TEXT';

/** An assessment whose practitioner fields are all marked, so any leak onto the together card is found. */
function hostile(overrides: Partial<Assessment> = {}): Assessment {
  const answer = {
    strengths: `${SECRET} strengths`,
    vulnerabilities: `${SECRET} vulnerabilities`,
    risk: 'high',
    resilience: 'low',
    youngPersonView: 'I like drawing',
    parentView: 'She is kind',
    nextSteps: `${SECRET} next steps`,
    skipped: false,
  };
  return AssessmentSchema.parse({
    id: ID,
    tenantId: OWNER.tenantId,
    ownerId: OWNER.aadObjectId,
    status: 'in-progress',
    step: 'contact',
    cautionsAcknowledged: true,
    setup: {
      caseRef: CASE_REF,
      ageBand: '8-10',
      participants: ['young-person', 'parent-carer'],
      participantsOther: `${SECRET} other`,
      assessedOn: '2026-11-30',
    },
    answers: Object.fromEntries(C_IDS.map((c) => [c, answer])),
    composite: { offlineFactors: ['neglect'], offlineOther: `${SECRET} offline`, analysis: `${SECRET} analysis`, impact: `${SECRET} impact` },
    rev: 7,
    stepRevs: { contact: 5, content: 6 },
    createdAt: '2026-11-30T10:00:00.000Z',
    updatedAt: '2026-11-30T11:00:00.000Z',
    ...overrides,
  });
}

/** Table Storage in miniature: ETags, 412 on a stale write, and a switch to fail like a storage outage. */
class MemoryRepository {
  stored: Assessment | undefined;
  etag = 1;
  writes = 0;
  down = false;
  loseNextRaces = 0;
  constructor(a: Assessment) {
    this.stored = a;
  }
  async get(owner: Owner, id: string): Promise<StoredAssessment | undefined> {
    if (this.down) throw new StorageUnavailableError('down', 503);
    if (this.stored?.id !== id || this.stored.ownerId !== owner.aadObjectId) return undefined;
    return { assessment: structuredClone(this.stored), etag: String(this.etag) };
  }
  async replace(a: Assessment, etag: string): Promise<string> {
    if (this.loseNextRaces > 0) {
      this.loseNextRaces -= 1;
      throw new ConflictError('changed', 'raced');
    }
    if (etag !== String(this.etag)) throw new ConflictError('changed', 'stale');
    this.stored = AssessmentSchema.parse(structuredClone(a));
    this.etag += 1;
    this.writes += 1;
    return String(this.etag);
  }
}

function setup(a: Assessment = hostile()) {
  const repo = new MemoryRepository(a);
  const assessments = new AssessmentService(repo as unknown as AssessmentRepository, () => new Date('2026-12-01T00:00:00.000Z'));
  return { repo, assessments, together: new TogetherService(assessments) };
}

const refTo = (a: Assessment, step: CardRef['step'], rev = a.rev): CardRef => ({ assessmentId: a.id, rev, step, mode: 'flow' });

describe("the together view: saving the young person's and parent's words", () => {
  it("when the young person's and parent's words are saved on contact, then they land in contact's views and nothing else changes", async () => {
    const a = hostile();
    const { repo, together } = setup(a);
    const out = await together.submit(OWNER, refTo(a, 'contact'), { youngPersonView: 'My cousin helps me', parentView: 'We talk at tea time' }, 'stay');
    expect(out.kind).toBe('together');
    const saved = repo.stored!;
    expect(saved.answers.contact!.youngPersonView).toBe('My cousin helps me');
    expect(saved.answers.contact!.parentView).toBe('We talk at tea time');
    expect(saved.answers.contact!.strengths).toBe(`${SECRET} strengths`);
    expect(saved.answers.contact!.risk).toBe('high');
    expect(saved.answers.content).toEqual(a.answers.content);
    expect(saved.step).toBe(a.step);
    expect(saved.rev).toBe(a.rev + 1);
    expect(saved.stepRevs.contact).toBe(a.rev + 1);
    expect(repo.writes).toBe(1);
  });

  it("when the card has no parent box, then the stored parent's view is kept", async () => {
    const a = hostile();
    const { repo, together } = setup(a);
    await together.submit(OWNER, refTo(a, 'conduct'), { youngPersonView: 'I help my friends' }, 'stay');
    expect(repo.stored!.answers.conduct!.youngPersonView).toBe('I help my friends');
    expect(repo.stored!.answers.conduct!.parentView).toBe('She is kind');
  });

  it('when a C had no answer yet, then the words start one with every judgement still "not explored"', async () => {
    const a = hostile({ answers: {} });
    const { repo, together } = setup(a);
    await together.submit(OWNER, refTo(a, 'context'), { youngPersonView: 'Minecraft is best', parentView: '' }, 'stay');
    expect(repo.stored!.answers.context).toMatchObject({
      youngPersonView: 'Minecraft is best',
      risk: 'not-explored',
      resilience: 'not-explored',
      strengths: '',
    });
  });

  it('when the same words are sent twice (a repeated submit), then nothing is written the second time', async () => {
    const a = hostile();
    const { repo, together } = setup(a);
    const data = { youngPersonView: 'Same words', parentView: 'Same too' };
    await together.submit(OWNER, refTo(a, 'contact'), data, 'stay');
    await together.submit(OWNER, refTo(a, 'contact'), data, 'stay');
    expect(repo.writes).toBe(1);
  });

  it("when the card is older than this C's last save, then it is a conflict: nothing is written and the typed words stay in the boxes", async () => {
    const a = hostile();
    const { repo, together } = setup(a);
    const out = await together.submit(OWNER, refTo(a, 'contact', 4), { youngPersonView: 'Typed on the old card', parentView: 'Parent typed' }, 'practitioner');
    expect(repo.writes).toBe(0);
    expect(out.kind).toBe('together');
    const v = out as TogetherView;
    expect(v.form).toEqual({ youngPersonView: 'Typed on the old card', parentView: 'Parent typed' });
    expect(v.saved).toEqual({ youngPersonView: 'I like drawing', parentView: 'She is kind' });
    expect(v.notice).toBe(TOGETHER_CONFLICT_NOTICE);
    expect(v.ref.rev).toBe(a.rev);
    // Saving again from the conflict card keeps what was typed.
    await together.submit(OWNER, v.ref, { youngPersonView: v.form.youngPersonView, parentView: v.form.parentView }, 'stay');
    expect(repo.stored!.answers.contact!.youngPersonView).toBe('Typed on the old card');
  });

  it('when another C changed since the card was opened, then this C still saves (a conflict is only about its own C)', async () => {
    const a = hostile();
    const { repo, together } = setup(a);
    await together.submit(OWNER, refTo(a, 'contact', 5), { youngPersonView: 'New words', parentView: 'She is kind' }, 'stay');
    expect(repo.stored!.answers.contact!.youngPersonView).toBe('New words');
  });

  it('when storage is down, then the words come back in the boxes with the not-saved message', async () => {
    const a = hostile();
    const { repo, together } = setup(a);
    repo.down = true;
    const out = (await together.submit(OWNER, refTo(a, 'contact'), { youngPersonView: 'Keep me', parentView: 'Me too' }, 'stay')) as TogetherView;
    expect(out.kind).toBe('together');
    expect(out.form).toEqual({ youngPersonView: 'Keep me', parentView: 'Me too' });
    expect(out.errors.join(' ')).toMatch(/wasn't saved/);
  });

  it('when a write loses a race, then it is decided again on a fresh read and saved once', async () => {
    const a = hostile();
    const { repo, together } = setup(a);
    repo.loseNextRaces = 1;
    await together.submit(OWNER, refTo(a, 'contact'), { youngPersonView: 'After a race', parentView: 'She is kind' }, 'stay');
    expect(repo.writes).toBe(1);
    expect(repo.stored!.answers.contact!.youngPersonView).toBe('After a race');
  });

  it('when the words are too long, then nothing is written and they are kept with a message', async () => {
    const a = hostile();
    const { repo, together } = setup(a);
    const long = 'y'.repeat(LIMITS.answerText + 1);
    const out = (await together.submit(OWNER, refTo(a, 'contact'), { youngPersonView: long, parentView: '' }, 'stay')) as TogetherView;
    expect(repo.writes).toBe(0);
    expect(out.form.youngPersonView).toBe(long);
    expect(out.errors[0]).toMatch(/at most 2000 characters/);
  });

  it('when the assessment is completed, then changed words are not saved and stay in the box', async () => {
    const a = hostile({ status: 'completed', step: 'complete', completedAt: '2026-11-30T12:00:00.000Z' });
    const { repo, together } = setup(a);
    const out = (await together.submit(OWNER, refTo(a, 'contact'), { youngPersonView: 'Too late', parentView: 'She is kind' }, 'stay')) as TogetherView;
    expect(repo.writes).toBe(0);
    expect(out.form.youngPersonView).toBe('Too late');
    expect(out.errors.join(' ')).toMatch(/already been completed/);
  });

  it("when someone else's assessment id is sent, then it is not found and nothing is written", async () => {
    const a = hostile();
    const { repo, together } = setup(a);
    await expect(together.submit({ tenantId: 't-1', aadObjectId: 'someone-else' }, refTo(a, 'contact'), { youngPersonView: 'x' }, 'stay')).rejects.toThrow(
      /No such assessment/,
    );
    expect(repo.writes).toBe(0);
  });
});

describe("switching between the practitioner's card and the together view", () => {
  it('when the practitioner opens the together view from their card, then what they typed there is saved first', async () => {
    const a = hostile();
    const { repo, together } = setup(a);
    const typed = {
      strengths: 'Typed strengths',
      vulnerabilities: 'Typed worries',
      risk: 'low',
      resilience: 'some',
      youngPersonView: 'I like drawing',
      parentView: 'She is kind',
      nextSteps: 'Typed plan',
      nextStepsWho: '',
      nextStepsBy: '',
      nextSteps2: '',
      nextSteps2Who: '',
      nextSteps2By: '',
    };
    const out = await together.openFromStep(OWNER, refTo(a, 'contact'), typed);
    expect(out.kind).toBe('together');
    expect(repo.stored!.answers.contact).toMatchObject({ strengths: 'Typed strengths', risk: 'low', nextSteps: 'Typed plan' });
    expect((out as TogetherView).ref.rev).toBe(repo.stored!.rev);
  });

  it('when the practitioner opens the together view from C10, whose card shows Triangle inputs only for the Cs of concern, then what they typed is still saved first', async () => {
    const a = hostile();
    const { repo, together } = setup(a);
    const typed: Record<string, unknown> = Object.fromEntries(alwaysShownFields('composite').map((f) => [f.id, '']));
    Object.assign(typed, { analysis: 'Typed analysis of how the risks combine', risk: 'medium', resilience: 'some' });
    const out = await together.openFromStep(OWNER, refTo(a, 'composite'), typed);
    expect(out.kind).toBe('together');
    expect(repo.stored!.composite).toMatchObject({ analysis: 'Typed analysis of how the risks combine' });
  });

  it("when the practitioner's card leaves its empty inputs out of the data (as the Agents Playground does) but says it is their card, then what they typed is still saved first", async () => {
    const a = hostile();
    const { repo, together } = setup(a);
    const out = await together.openFromStep(OWNER, refTo(a, 'contact'), { fromCard: true, strengths: 'Typed strengths', risk: 'medium', resilience: 'strong' });
    expect(out.kind).toBe('together');
    expect(repo.writes).toBe(1);
    expect(repo.stored!.answers.contact).toMatchObject({ strengths: 'Typed strengths', risk: 'medium', resilience: 'strong' });
  });

  it("when the open comes without the practitioner's inputs, then nothing is written (their answers can never be blanked)", async () => {
    const a = hostile();
    const { repo, together } = setup(a);
    const out = await together.openFromStep(OWNER, refTo(a, 'contact'), {});
    expect(out.kind).toBe('together');
    expect(repo.writes).toBe(0);
    expect(repo.stored!.answers.contact!.strengths).toBe(`${SECRET} strengths`);
  });

  it("when two Cs are done together and the practitioner goes back, then both Cs hold the words and the practitioner's card shows them with their own text", async () => {
    const a = hostile();
    const { repo, together } = setup(a);
    const first = (await together.openFromStep(OWNER, refTo(a, 'contact'), {})) as TogetherView;
    const second = (await together.submit(
      OWNER,
      first.ref,
      { youngPersonView: 'Contact words', parentView: 'Parent on contact', goTo: 'conduct' },
      'conduct',
    )) as TogetherView;
    expect(second.c).toBe('conduct');
    expect(second.ref.rev).toBe(repo.stored!.rev);
    const back = await together.submit(OWNER, second.ref, { youngPersonView: 'Conduct words', parentView: 'Parent on conduct' }, 'practitioner');
    expect(back.kind).toBe('step');
    expect(repo.stored!.answers.contact).toMatchObject({ youngPersonView: 'Contact words', parentView: 'Parent on contact', strengths: `${SECRET} strengths` });
    expect(repo.stored!.answers.conduct).toMatchObject({ youngPersonView: 'Conduct words', parentView: 'Parent on conduct' });
    const card = JSON.stringify(renderTogetherOutcome(back));
    expect(card).toContain('Conduct words');
    expect(card).toContain(`${SECRET} strengths`);
    expect(card).toContain(CASE_REF);
  });
});

/** Every string a person can read on a card: texts, titles, labels, values, placeholders. */
function shownText(card: unknown): string[] {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (n && typeof n === 'object') {
      for (const [k, v] of Object.entries(n as Record<string, unknown>)) {
        if (typeof v === 'string' && ['text', 'title', 'label', 'value', 'placeholder'].includes(k)) out.push(v);
        else walk(v);
      }
    }
  };
  walk(card);
  return out;
}

describe('the together card', () => {
  const hostileView = (band: TogetherView['band'], withParent: boolean): TogetherView => ({
    kind: 'together',
    ref: { assessmentId: ID, rev: 7, step: 'contact', mode: 'flow' },
    c: 'contact',
    band,
    withParent,
    form: { youngPersonView: 'Young words <b>x</b>', parentView: 'Parent words' },
    errors: [],
    saved: { youngPersonView: 'Saved young', parentView: 'Saved parent' },
    notice: TOGETHER_CONFLICT_NOTICE,
  });

  it("when it is rendered for every C and band, then it never carries a judgement, the case reference or the practitioner's text", () => {
    const judgementWords = [...Object.values(RISK_LABELS), ...Object.values(RESILIENCE_LABELS)].filter((w) => w !== 'Not explored');
    const problems: string[] = [];
    for (const c of C_IDS) {
      for (const band of AGE_BANDS) {
        const a = hostile({ setup: { ...hostile().setup!, ageBand: band } });
        for (const card of [
          renderTogether({ ...hostileView(band, true), c, ref: { ...hostileView(band, true).ref, step: c } }),
          renderTogetherOutcome({
            kind: 'together',
            ref: refTo(a, c),
            c,
            band,
            withParent: true,
            form: { youngPersonView: a.answers[c]!.youngPersonView, parentView: a.answers[c]!.parentView },
            errors: [],
          }),
        ]) {
          const json = JSON.stringify(card);
          for (const bad of [SECRET, CASE_REF, 'risk', 'Risk', 'resilience', 'Resilience', 'vulnerab', 'Strengths and protective'])
            if (json.includes(bad)) problems.push(`${c} ${band}: ${bad}`);
          for (const shown of shownText(card)) if (judgementWords.includes(shown)) problems.push(`${c} ${band}: shows "${shown}"`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("when it is rendered, then it shows the young person's questions for the band, their words, and the parent's box only when a parent took part", () => {
    const withParent = JSON.stringify(renderTogether(hostileView('8-10', true)));
    for (const q of youngWords('contact', '8-10').questions) expect(withParent).toContain(JSON.stringify(q.text).slice(1, -1));
    expect(withParent).toContain('Young words <b>x</b>');
    expect(withParent).toContain(PARENT_LABEL);
    expect(withParent).toContain(JSON.stringify(parentWords('contact').questions[0]!.text).slice(1, -1));
    const alone = JSON.stringify(renderTogether(hostileView('14-15', false)));
    expect(alone).not.toContain(PARENT_LABEL);
    expect(alone).not.toContain('"parentView"');
    expect(alone).toContain(YOUNG_LABEL);
    expect(alone).toContain(JSON.stringify(youngWords('contact', '14-15').questions[0]!.text).slice(1, -1));
  });

  it('when it is rendered, then its buttons use the together verbs and carry only the card reference', () => {
    const card = renderTogether(hostileView('11-13', true));
    const actions = card.actions as { verb: string; data: Record<string, unknown> }[];
    expect(actions.map((x) => x.verb)).toEqual([VERBS.togetherSave, VERBS.togetherGo, VERBS.togetherBack]);
    for (const x of actions) expect(Object.keys(x.data).sort()).toEqual(['assessmentId', 'mode', 'rev', 'step']);
  });

  it('when it is opened from consult, then it has no boxes and no save, and offers the other age bands', () => {
    const card = renderConsultTogether('contact', '11-13');
    const json = JSON.stringify(card);
    expect(json).not.toContain('Input.');
    expect(json).not.toContain(VERBS.togetherSave);
    expect(json).toContain(VERBS.consultTogether);
    expect(json).toContain('Nothing here is stored');
    expect(json).toContain(JSON.stringify(youngWords('contact', '11-13').questions[0]!.text).slice(1, -1));
    expect(json).not.toContain(getC('contact').questions[0]);
  });

  it("when applyTogether sees a card older than the C's last write with changed words, then it says conflict (a pure check)", () => {
    const a = hostile();
    expect(applyTogether(a, { rev: 4 }, 'contact', { youngPersonView: 'changed' }).kind).toBe('conflict');
    expect(applyTogether(a, { rev: 4 }, 'contact', { youngPersonView: 'I like drawing' }).kind).toBe('unchanged');
    expect(applyTogether(a, { rev: 7 }, 'contact', { youngPersonView: 'changed' }).kind).toBe('write');
  });
});
