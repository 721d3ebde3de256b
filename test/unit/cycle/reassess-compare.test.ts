import { describe, expect, it } from 'vitest';
import { renderStepCard } from '../../../src/cards/assessment-cards.js';
import { compareCard } from '../../../src/cards/compare-cards.js';
import { renderCard } from '../../../src/cards/render.js';
import { AssessmentSchema, type Assessment } from '../../../src/tencs/assessment.js';
import { changesSince, compareCase, resilienceChange, riskChange } from '../../../src/tencs/cycle/compare.js';
import { carriedCardData, clearCarried, CannotReassessError, reassessFrom, startReassessment, unconfirmedSteps } from '../../../src/tencs/cycle/reassess.js';
import { C_IDS } from '../../../src/tencs/ten-cs.js';
import { completedAssessment, SALLY } from '../../fixtures/assessments.js';

const ID2 = '8000000000000-bbbbbbbbbbbb';
const ID3 = '7000000000000-cccccccccccc';

function first(): Assessment {
  return completedAssessment({
    id: '9000000000000-aaaaaaaaaaaa',
    caseRef: 'CR-77',
    answers: {
      contact: { risk: 'low', resilience: 'some', strengths: 'talks to mum' },
      content: { risk: 'medium', resilience: 'low' },
      conduct: { risk: 'not-explored' },
    },
    composite: { offlineFactors: ['neglect'], analysis: 'first analysis' },
  });
}

/** Reassess, then answer like a practitioner: confirm some Cs, change others, complete. */
function reassessAndComplete(prev: Assessment, id: string, day: string, change: (a: Assessment) => Assessment): Assessment {
  let next = startReassessment(prev, { id, now: new Date(`${day}T10:00:00Z`), assessedOn: day });
  next = change(next);
  return AssessmentSchema.parse({ ...next, status: 'completed', step: 'complete', completedAt: `${day}T12:00:00.000Z` });
}

describe('reassess', () => {
  it('when a completed assessment is reassessed, then every answer is carried and marked with the day it was given, and the earlier one is untouched', () => {
    const prev = first();
    const before = structuredClone(prev);
    const next = startReassessment(prev, { id: ID2, now: new Date('2026-03-03T10:00:00Z'), assessedOn: '2026-03-03' });
    expect(next).toMatchObject({ id: ID2, status: 'in-progress', step: 'cautions', previousId: prev.id, ownerId: prev.ownerId });
    expect(next.setup).toMatchObject({ caseRef: 'CR-77', assessedOn: '2026-03-03' });
    expect(next.answers.contact).toEqual(prev.answers.contact);
    expect(next.carried).toEqual({ contact: '2020-05-26', content: '2020-05-26', conduct: '2020-05-26', composite: '2020-05-26' });
    expect(next.composite?.analysis).toBe('first analysis');
    expect(AssessmentSchema.parse(next)).toEqual(next);
    next.answers.contact!.strengths = 'changed';
    next.composite!.offlineFactors.push('send');
    expect(prev).toEqual(before);
  });

  it('when a C is saved, then only its mark is cleared; the card hint names the day until then', () => {
    const next = startReassessment(first(), { id: ID2, now: new Date('2026-03-03T10:00:00Z'), assessedOn: '2026-03-03' });
    expect(carriedCardData(next, 'contact')).toEqual({ hasCarried: true, carriedHint: 'From the assessment of 26 May 2020: confirm or change' });
    const saved = clearCarried(next, 'contact');
    expect(carriedCardData(saved, 'contact')).toEqual({ hasCarried: false, carriedHint: '' });
    expect(unconfirmedSteps(saved)).toEqual(['content', 'conduct', 'composite']);
    expect(unconfirmedSteps(next)).toContain('contact');
  });

  it('when an answer was never confirmed in the reassessment, then the next reassessment keeps its original day', () => {
    const second = reassessAndComplete(first(), ID2, '2026-03-03', (a) => clearCarried(a, 'contact'));
    const third = startReassessment(second, { id: ID3, now: new Date('2026-09-01T10:00:00Z'), assessedOn: '2026-09-01' });
    expect(third.carried).toMatchObject({ contact: '2026-03-03', content: '2020-05-26' });
  });

  it('when the assessment is still in progress, then it cannot be reassessed', () => {
    const inProgress = { ...first(), status: 'in-progress' as const };
    expect(() => startReassessment(inProgress, { id: ID2, now: new Date(), assessedOn: '2026-03-03' })).toThrow(CannotReassessError);
  });

  it('when an old stored assessment without the new fields is read, then it parses with nothing carried', () => {
    const { carried: _c, previousId: _p, reviewOn: _r, ...old } = SALLY;
    expect(AssessmentSchema.parse(old).carried).toBeUndefined();
    expect(carriedCardData(AssessmentSchema.parse(old), 'contact').hasCarried).toBe(false);
  });

  it('when the c-step card renders with and without a carried hint, then the hint shows only when carried', () => {
    const next = startReassessment(first(), { id: ID2, now: new Date('2026-03-03T10:00:00Z'), assessedOn: '2026-03-03' });
    const base = { c: { number: 5, title: 'Contact' }, form: {}, limits: {} };
    const shown = JSON.stringify(renderCard('c-step', { ...base, ...carriedCardData(next, 'contact') }));
    const hidden = JSON.stringify(renderCard('c-step', { ...base, ...carriedCardData(clearCarried(next, 'contact'), 'contact') }));
    expect(shown).toContain('From the assessment of 26 May 2020: confirm or change');
    expect(hidden).not.toContain('From the assessment of');
    expect(hidden).not.toContain('carried over');
  });
});

describe('compare', () => {
  it('names each change in words', () => {
    expect(riskChange('low', 'medium')).toBe('higher');
    expect(riskChange('high', 'none-evident')).toBe('lower');
    expect(riskChange('low', 'low')).toBe('same');
    expect(riskChange('not-explored', 'low')).toBe('newly explored');
    expect(riskChange('low', 'not-explored')).toBe('not explored this time');
    expect(resilienceChange('some', 'strong')).toBe('higher');
    expect(resilienceChange('not-explored', 'not-explored')).toBe('not explored');
  });

  it('when a case is assessed three times, then the map shows each C at each assessment and the changes since the last', () => {
    const a1 = first();
    const a2 = reassessAndComplete(a1, ID2, '2026-03-03', (a) => {
      const b = clearCarried(clearCarried(a, 'contact'), 'composite');
      return {
        ...b,
        answers: { ...b.answers, contact: { ...b.answers.contact!, risk: 'high' } },
        composite: { ...b.composite!, offlineFactors: ['neglect', 'going-missing'] },
      };
    });
    const a3 = reassessAndComplete(a2, ID3, '2026-09-01', (a) => {
      const b = clearCarried(clearCarried(a, 'content'), 'conduct');
      return { ...b, answers: { ...b.answers, content: { ...b.answers.content!, resilience: 'strong' }, conduct: { ...b.answers.conduct!, risk: 'low' } } };
    });
    const plan = [
      { what: 'Safety plan with school', who: 'Designated safeguarding lead', byWhen: '2026-05-01' },
      { what: 'Family session on settings' },
      { what: 'After the review', byWhen: '2026-12-01' },
    ];
    const cmp = compareCase([a3, a1, a2], plan);
    expect(cmp.dates).toEqual(['26 May 2020', '3 March 2026', '1 September 2026']);
    const contact = cmp.cs.find((c) => c.title.startsWith('Contact'))!;
    expect(contact.cells.map((c) => c.risk)).toEqual(['Low', 'High', 'High']);
    expect(contact.cells.map((c) => c.carried)).toEqual([false, false, true]);
    expect(contact.riskChange).toBe('same');
    expect(cmp.cs.find((c) => c.title === 'Conduct')!.riskChange).toBe('newly explored');
    expect(cmp.cs.find((c) => c.title === 'Content')!.resilienceChange).toBe('higher');
    expect(cmp.actionsDue.map((x) => x.what)).toEqual(['Safety plan with school']);
    expect(changesSince(a1, a2)).toEqual([
      'Changes since the assessment of 26 May 2020:',
      'C5 Contact (online and offline): risk higher (low, now high); resilience the same (some).',
      'Offline factors noted for the first time: Going missing.',
      '2 of the ten Cs were carried over and not yet confirmed.',
    ]);
    expect(compareCase([a1, a2]).newOfflineFactors).toEqual(['Going missing']);
    const card = JSON.stringify(compareCard(cmp));
    expect(card).toContain('Since the last assessment: risk newly explored');
    expect(card).toContain('Since the last assessment: risk the same; resilience higher');
    expect(card).toContain('Safety plan with school');
    expect(card).toContain(' (by Designated safeguarding lead, due 1 May 2026)');
    expect(card).not.toContain('After the review');
    expect(Buffer.byteLength(card)).toBeLessThan(28 * 1024);
  });

  it('when nothing changed, then the words say so; with more than four, only the newest four are shown', () => {
    const a1 = first();
    const same = reassessAndComplete(a1, ID2, '2026-03-03', (a) => a);
    expect(changesSince(a1, { ...same, carried: {} })).toEqual([
      'No risk or resilience judgement and no offline factor changed since the assessment of 26 May 2020.',
    ]);
    const many = ['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01'].map((d, i) => ({
      ...a1,
      id: `${i}`,
      setup: { ...a1.setup!, assessedOn: d },
    }));
    expect(compareCase(many).dates).toEqual(['1 February 2026', '1 March 2026', '1 April 2026', '1 May 2026']);
    expect(() => compareCase([a1, { ...a1, setup: { ...a1.setup!, caseRef: 'OTHER' } }])).toThrow(/different cases/);
  });

  it('when every C is at its longest title and four assessments are shown with many actions, then the card stays under 28 KB', () => {
    const a1 = first();
    const four = ['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01'].map((d, i) => ({
      ...a1,
      id: `${i}`,
      carried: Object.fromEntries(C_IDS.map((c) => [c, d])),
      setup: { ...a1.setup!, assessedOn: d },
    }));
    const plan = Array.from({ length: 20 }, (_, i) => ({ what: '€'.repeat(300), who: 'w'.repeat(100), byWhen: `2026-03-${String(i + 1).padStart(2, '0')}` }));
    const card = compareCard(compareCase(four, plan));
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28 * 1024);
    expect(card.version).toBe('1.5');
    expect(JSON.stringify(card)).toContain('And 12 more actions that were due: see the plan.');
  });
});

describe('reassess CASE-REF', () => {
  const row = (id: string, caseRef: string, status: 'in-progress' | 'completed', completedAt?: string) => ({ id, caseRef, status, completedAt });
  it('when the case has completed assessments, then the newest completed one is the start; an open one is offered instead', () => {
    const rows = [
      row('a', 'CR-1', 'completed', '2026-01-01T10:00:00Z'),
      row('b', 'cr-1', 'completed', '2026-06-01T10:00:00Z'),
      row('c', 'CR-2', 'completed', '2026-07-01T10:00:00Z'),
    ];
    expect(reassessFrom(rows, ' CR-1 ')).toEqual({ from: rows[1] });
    expect(reassessFrom([...rows, row('d', 'CR-1', 'in-progress')], 'CR-1')).toEqual({ inProgress: row('d', 'CR-1', 'in-progress') });
    expect(reassessFrom(rows, 'CR-9')).toBeUndefined();
  });
});

describe('the c-step card of a reassessment', () => {
  it('when a C is carried, then its card shows the hint with the day; once saved, it does not', () => {
    const next = startReassessment(first(), { id: ID2, now: new Date('2026-03-03T10:00:00Z'), assessedOn: '2026-03-03' });
    const ref = { assessmentId: ID2, rev: next.rev, step: 'contact' as const, mode: 'flow' as const };
    const carried = JSON.stringify(renderStepCard({ assessment: { ...next, step: 'contact' }, ref }));
    expect(carried).toContain('From the assessment of 26 May 2020: confirm or change');
    const saved = JSON.stringify(renderStepCard({ assessment: clearCarried({ ...next, step: 'contact' }, 'contact'), ref }));
    expect(saved).not.toContain('From the assessment of');
  });
});
