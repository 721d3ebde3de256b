import { describe, expect, it } from 'vitest';
import {
  AssessmentSchema,
  CAnswerSchema,
  LIMITS,
  RESILIENCE_LEVELS,
  RISK_LEVELS,
  STEPS,
  SetupSchema,
  nextStep,
  previousStep,
  type Assessment,
} from '../../src/tencs/assessment.js';
import { applyValue, checkForm, firstLine, formFromAssessment, readForm, sameAsStored } from '../../src/tencs/step-forms.js';
import { C_IDS, TEN_CS, TRIANGLE_DOMAINS } from '../../src/tencs/ten-cs.js';

const base: Assessment = AssessmentSchema.parse({
  id: '8276543210987-abcdefghijkl',
  tenantId: 't',
  ownerId: 'u',
  status: 'in-progress',
  step: 'confidentiality',
  cautionsAcknowledged: true,
  answers: {},
  rev: 2,
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
});

describe('the ten Cs', () => {
  it('when the Cs are listed, then there are ten in the guide order, numbered 1 to 10', () => {
    expect(TEN_CS.map((c) => c.id)).toEqual([...C_IDS]);
    expect(TEN_CS.map((c) => c.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  for (const c of TEN_CS) {
    it(`when C${c.number} ${c.shortTitle} is read, then it has a meaning, its questions, examples both ways and triangle domains`, () => {
      const sentences = c.meaning.split(/(?<=[.!?])\s+/).filter(Boolean);
      expect(sentences.length).toBeGreaterThanOrEqual(2);
      expect(sentences.length).toBeLessThanOrEqual(4);
      expect(c.questions.length).toBeGreaterThanOrEqual(4);
      for (const q of c.questions) expect(q).toMatch(/\?$/);
      expect(new Set(c.questions).size).toBe(c.questions.length);
      expect(c.strengthExamples.length).toBeGreaterThanOrEqual(2);
      expect(c.vulnerabilityExamples.length).toBeGreaterThanOrEqual(2);
      expect(c.triangle.length).toBeGreaterThanOrEqual(1);
      for (const d of c.triangle) expect(TRIANGLE_DOMAINS).toContain(d);
    });
  }

  it("when the guide's own questions are checked, then each C asks them (rephrased)", () => {
    const asks: Record<string, RegExp[]> = {
      confidentiality: [/personal information/i, /remov/i],
      connection: [/validation/i, /popular|influential/i, /most social capital/i, /who to connect with and who to refuse/i],
      context: [/platforms/i, /important/i, /risky/i],
      content: [/engage with/i, /produce/i, /developmentally appropriate/i],
      contact: [/helpful/i, /harmful/i, /online, offline or both/i, /think and feel/i],
      conduct: [/behaviour online and offline/i, /strength, risk, harm or concern/i, /motivates/i, /understand and explain/i],
      compatibility: [/different settings/i, /compatible/i, /self-narrative/i, /re-author/i],
      consumption: [/apps/i, /how often/i, /mean to the young person/i],
      commercial: [/commercial, personal or professional value/i, /exploitation/i],
      composite: [/interact/i, /offline factors/i, /identity, relationships, development and wellbeing/i],
    };
    for (const c of TEN_CS) {
      const text = c.questions.join(' ');
      for (const pattern of asks[c.id]!) expect(text, `${c.id} should ask ${pattern}`).toMatch(pattern);
    }
  });
});

describe('judgements and limits', () => {
  it('when judgements are listed, then risk and resilience are separate scales with "not explored" first', () => {
    expect(RISK_LEVELS).toEqual(['not-explored', 'none-evident', 'low', 'medium', 'high']);
    expect(RESILIENCE_LEVELS).toEqual(['not-explored', 'low', 'some', 'strong']);
  });

  it('when an answer has an unknown judgement or an over-long text, then it is rejected with a readable message', () => {
    const bad = CAnswerSchema.safeParse({ risk: 'severe', strengths: 'x'.repeat(LIMITS.answerText + 1) });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => i.message).join('\n');
    expect(messages).toMatch(/Strengths and protective factors can be at most 2000 characters/);
    expect(bad.error!.issues.some((i) => i.path[0] === 'risk')).toBe(true);
    expect(CAnswerSchema.parse({ strengths: 'x'.repeat(LIMITS.answerText) }).strengths).toHaveLength(LIMITS.answerText);
  });

  it('when a case reference looks like a name or has spaces, then it is refused; a pseudonymous one passes', () => {
    const ok = { ageBand: '14-15', participants: ['young-person'], assessedOn: '2024-01-02' };
    expect(SetupSchema.safeParse({ ...ok, caseRef: 'Jane Smith' }).error?.issues[0]?.message).toMatch(/letters, digits and dashes/);
    expect(SetupSchema.safeParse({ ...ok, caseRef: 'C'.repeat(LIMITS.caseRef + 1) }).error?.issues[0]?.message).toMatch(/at most 40/);
    expect(SetupSchema.parse({ ...ok, caseRef: 'CR-20418' }).caseRef).toBe('CR-20418');
  });

  it('when a setup form is incomplete, then every problem is named at once', () => {
    const check = checkForm('setup', { caseRef: '', ageBand: '', participants: '', participantsOther: '', assessedOn: '3 May' });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/at least 2 characters/),
        expect.stringMatching(/age band/),
        expect.stringMatching(/at least one person/),
        expect.stringMatching(/YYYY-MM-DD/),
      ]),
    );
  });

  it('when text is over its limit, then the message says how long it is and that the text is kept', () => {
    const check = checkForm('composite', { analysis: 'a'.repeat(LIMITS.analysisText + 7) });
    expect(check.ok).toBe(false);
    if (!check.ok)
      expect(check.errors).toEqual([
        `Your analysis of how the risks combine can be at most ${LIMITS.analysisText} characters. It is ${LIMITS.analysisText + 7} now; please shorten it (your text is still in the box).`,
      ]);
  });

  it('when card data carries odd types, then the form reads them as strings and ignores what the card does not have', () => {
    const form = readForm('composite', {
      offlineFactors: ['neglect', 'send'],
      risk: 3,
      strengths: { nested: true },
      vulnerabilities: 'not on the C10 card',
      other: 'x',
    });
    expect(form.offlineFactors).toBe('neglect,send');
    expect(form.risk).toBe('3');
    expect(form.strengths).toBe('');
    expect(form).not.toHaveProperty('vulnerabilities');
    expect(checkForm('composite', form).ok).toBe(false);
  });
});

describe('steps and stored values', () => {
  it('when moving through the steps, then the order is cautions, setup, C1..C10, review, complete and back never passes setup', () => {
    expect(STEPS).toEqual(['cautions', 'setup', ...C_IDS, 'review', 'complete']);
    expect(nextStep('setup')).toBe('confidentiality');
    expect(nextStep('composite')).toBe('review');
    expect(previousStep('confidentiality')).toBe('setup');
    expect(previousStep('setup')).toBe('setup');
  });

  it('when a blank answer is saved, then nothing is stored for that C, and the same value again counts as unchanged', () => {
    const blank = checkForm('contact', readForm('contact', {}));
    expect(blank.ok).toBe(true);
    if (!blank.ok) return;
    expect(sameAsStored(base, blank.value)).toBe(true);
    expect(applyValue(base, blank.value).answers.contact).toBeUndefined();

    const real = checkForm('contact', { ...formFromAssessment(base, 'contact'), strengths: 'A trusted teacher' });
    if (!real.ok) throw new Error('expected ok');
    const saved = applyValue(base, real.value);
    expect(saved.answers.contact?.strengths).toBe('A trusted teacher');
    expect(sameAsStored(saved, real.value)).toBe(true);
    expect(sameAsStored(base, real.value)).toBe(false);
    expect(formFromAssessment(saved, 'contact').strengths).toBe('A trusted teacher');
  });

  it('when an answer is shown at a glance, then only its first line is shown and shortening is marked', () => {
    expect(firstLine('one line')).toBe('one line');
    expect(firstLine('\n  first  \nsecond')).toBe('first …');
    expect(firstLine('x'.repeat(100), 10)).toBe(`${'x'.repeat(10)}…`);
    expect(firstLine('€'.repeat(5), 3)).toBe('€€€…');
  });
});
