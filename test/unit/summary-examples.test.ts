import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_LOCAL, summaryExamplesMarkdown } from '../../scripts/summary-examples.js';
import { renderSummaryCard } from '../../src/cards/summary-cards.js';
import { loadConfig } from '../../src/config.js';
import { caseRecordText } from '../../src/tencs/case-record.js';
import { findPatterns } from '../../src/tencs/patterns.js';
import { planOf, summarise } from '../../src/tencs/summary.js';
import { SUPERVISION_STAGES, supervisionPrompts } from '../../src/tencs/supervision-prompts.js';
import { ListNamer, countOf, isAre } from '../../src/tencs/text.js';
import { TEN_CS } from '../../src/tencs/ten-cs.js';
import type { Assessment } from '../../src/tencs/assessment.js';
import { SALLY, atLimits, completedAssessment } from '../fixtures/assessments.js';
import { CARE_LEAVER, GAMING_9, NOTHING_YET, SEXTORTION_14, SUMMARY_CASES } from '../fixtures/summary-cases.js';

const record = (a: Assessment) => caseRecordText(summarise(a, EXAMPLE_LOCAL));
const section = (text: string, title: string) => {
  const start = text.indexOf(`\n${title.toUpperCase()}\n`);
  if (start < 0) return '';
  const rest = text.slice(start + title.length + 2);
  const next = rest.search(/\n\n[A-Z][A-Z' :,-]+\n-{10}/);
  return next < 0 ? rest : rest.slice(0, next);
};

/** Every list of two or more C short titles ("A and B", "A, B and C") in a text, as written. */
function cLists(text: string): string[] {
  const names = TEN_CS.map((c) => c.shortTitle).join('|');
  const re = new RegExp(`\\b(?:${names})(?:, (?:${names}))*,? and (?:${names})\\b`, 'g');
  return text.match(re) ?? [];
}

describe('the five example assessments, as a practice lead reads them', () => {
  it('when docs/summary-examples.md is read, then it is exactly what the fixtures give today (run scripts/summary-examples.ts)', () => {
    expect(readFileSync(new URL('../../docs/summary-examples.md', import.meta.url), 'utf8')).toBe(summaryExamplesMarkdown());
  });

  it.each(SUMMARY_CASES.filter((c) => c.assessment !== NOTHING_YET).map((c) => [c.title, c.assessment] as const))(
    'when %s is copied for the case record, then every young person’s and parent’s own words are in it',
    (_title, a) => {
      const views = section(record(a), "The young person's and family's views");
      let heard = 0;
      for (const [, answer] of Object.entries(a.answers)) {
        if (answer?.youngPersonView) {
          expect(views).toContain(`Young person: ${answer.youngPersonView}`);
          heard++;
        }
        if (answer?.parentView) expect(views).toContain(`Parent or carer: ${answer.parentView}`);
      }
      expect(heard).toBeGreaterThan(0);
    },
  );

  it('when the sextortion case is copied, then the plan gathers each step with who and by when, C by C', () => {
    const plan = section(record(SEXTORTION_14), 'Plan: next steps');
    expect(plan.split('\n').filter((l) => l.startsWith('- '))).toEqual([
      '- Report Remove with him so the image can be blocked from being shared (Confidentiality). Who: social worker, with him. By: 2 June 2020.',
      '- CEOP report, with screenshots kept but not the image (Contact). Who: social worker. By: 1 June 2020.',
      '- Talk with dad about the bank card and any further demands (Commercial). Who: social worker and dad.',
    ]);
  });

  it('when the sextortion case is copied, then routes to safety come first and name CEOP, Report Remove, the NCA advice and UKCIS, with the council’s details', () => {
    const text = record(SEXTORTION_14);
    expect(text.indexOf('ROUTES TO SAFETY')).toBeLessThan(text.indexOf('RISK AND RESILIENCE MAP'));
    const safety = section(text, 'Routes to safety');
    for (const name of [
      'Immediate danger',
      "The council's safeguarding procedures",
      'CEOP (Child Exploitation and Online Protection',
      'Report Remove (Childline and the Internet Watch Foundation)',
      "The National Crime Agency's advice on financially motivated sextortion",
      'UKCIS guidance on sharing nudes and semi-nudes',
    ]) {
      expect(safety).toContain(`- ${name}`);
    }
    expect(safety).toContain('ceop.police.uk');
    expect(safety).toContain('childline.org.uk/report-remove');
    expect(safety).toContain(EXAMPLE_LOCAL.proceduresUrl);
    expect(safety).toContain(`Out of hours: ${EXAMPLE_LOCAL.outOfHoursPhone}`);
    expect(safety).not.toMatch(/Prevent|LADO|Urgent health/);
    expect(safety).toContain('- Referral made on 30 May 2020.');
    expect(safety).toContain('Police informed by dad on 29 May');
    expect(safety).toMatch(/blackmailer who is to blame, never the young person/);
  });

  it('when the gaming case is copied, then there is no safety section: nothing is high and nothing was ticked', () => {
    const text = record(GAMING_9);
    expect(text).not.toContain('ROUTES TO SAFETY');
    expect(summarise(GAMING_9).safety.shown).toBe(false);
  });

  it('when the care leaver is copied, then adult routes are named and the children’s routes for images are not', () => {
    const safety = section(record(CARE_LEAVER), 'Routes to safety');
    expect(safety).toContain('- Adult safeguarding and the leaving care team');
    expect(safety).not.toMatch(/Report Remove|CEOP|UKCIS/);
  });

  it('when a route is ticked, then its route appears, and without the council’s details none are made up', () => {
    const a = completedAssessment({ caseRef: 'R-1', answers: {}, composite: { safetyFlags: ['extremist-content', 'professional-involved', 'self-harm'] } });
    const s = summarise(a);
    expect(s.safety.routes.map((r) => r.id)).toEqual(['immediate-danger', 'council-procedures', 'prevent', 'lado', 'urgent-health']);
    expect(caseRecordText(s)).not.toMatch(/Out of hours|https:/);
  });

  it('when the practitioner has not confirmed the Triangle, then no domain is shown; when they have, only their choice', () => {
    const unconfirmed = section(record(SEXTORTION_14), 'Assessment Triangle: where the practitioner places the concerns');
    expect(unconfirmed).toMatch(/Not placed yet/);
    expect(unconfirmed).not.toMatch(/developmental needs|parenting capacity|family and environmental/i);
    expect(
      summarise({
        ...SEXTORTION_14,
        composite: {
          ...SEXTORTION_14.composite!,
          triangle: { 'developmental-needs': ['contact'], 'parenting-capacity': ['contact'], 'family-environment': [] },
        },
      }).triangle.domains,
    ).toEqual([]);
    const sally = section(record(SALLY), 'Assessment Triangle: where the practitioner places the concerns');
    expect(sally).toContain("- Confidentiality: child's developmental needs\n");
    expect(sally).toContain("- Consumption: child's developmental needs; parenting capacity");
    expect(sally.match(/parenting capacity/g)).toHaveLength(1);
  });

  it.each(SUMMARY_CASES.map((c) => [c.title, c.assessment] as const))(
    'when %s is summarised, then no list of Cs is repeated in the record or the prompts',
    (_t, a) => {
      const s = summarise(a, EXAMPLE_LOCAL);
      const text = `${caseRecordText(s)}\n${supervisionPrompts(s)
        .map((p) => p.text)
        .join('\n')}`;
      const lists = cLists(text);
      expect(lists.filter((l, i) => lists.indexOf(l) !== i)).toEqual([]);
    },
  );

  it.each(SUMMARY_CASES.map((c) => [c.title, c.assessment] as const))(
    'when %s is summarised, then the count of concerns is one number, of the nine areas',
    (_t, a) => {
      const text = caseRecordText(summarise(a));
      expect(text).not.toMatch(/\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten) of the ten Cs\b/);
      expect((text.match(/ of the nine areas/g) ?? []).length).toBeLessThanOrEqual(1);
    },
  );

  it.each(SUMMARY_CASES.map((c) => [c.title, c.assessment] as const))(
    'when %s is summarised, then every stage of the cycle is there, with the worker’s feelings, support and development',
    (_t, a) => {
      const prompts = supervisionPrompts(summarise(a));
      expect(new Set(prompts.map((p) => p.stage))).toEqual(new Set(SUPERVISION_STAGES));
      expect(prompts.map((p) => p.key)).toEqual(expect.arrayContaining(['worker-feelings', 'worker-support-development', 'lived-experience', 'last-resort']));
    },
  );

  it('when sextortion is in Conduct, then the prompt centres the young person’s account and never starts from their behaviour', () => {
    const text = supervisionPrompts(summarise(SEXTORTION_14))
      .map((p) => p.text)
      .join('\n');
    expect(text).not.toMatch(/understanding of their behaviour/);
    expect(text).toMatch(/they are the one harmed, whatever they sent/);
  });
});

describe('patterns fire only on what was recorded', () => {
  const peerCase = (harmFrom: ('peers' | 'adult')[]) =>
    completedAssessment({ caseRef: 'P-2', answers: { connection: { risk: 'medium' }, contact: { risk: 'high' } }, composite: { harmFrom } });

  it('when the harm comes from an adult, then the peer-abuse pattern does not fire; when other young people are recorded, it does', () => {
    expect(summarise(peerCase(['adult'])).picture.patterns.map((p) => p.id)).not.toContain('peer-networks');
    expect(summarise(peerCase(['peers'])).picture.patterns.map((p) => p.id)).toContain('peer-networks');
  });

  it('when the age band is under 11, 16 to 17 or a care leaver, then the patterns and prompts for that age appear, and not for other ages', () => {
    expect(summarise(GAMING_9).picture.patterns.map((p) => p.id)).toContain('young-child-contact');
    expect(supervisionPrompts(summarise(GAMING_9)).map((p) => p.key)).toEqual(expect.arrayContaining(['age-under-11-games', 'age-under-11-controls']));
    expect(summarise({ ...GAMING_9, setup: { ...GAMING_9.setup!, ageBand: '14-15' } }).picture.patterns.map((p) => p.id)).not.toContain('young-child-contact');
    const older = completedAssessment({ caseRef: 'O-1', ageBand: '16-17', answers: { contact: { risk: 'high' } } });
    expect(summarise(older).picture.patterns.map((p) => p.id)).toContain('older-teen-relationships');
    expect(supervisionPrompts(summarise(older)).map((p) => p.key)).toContain('age-16-17-relationships');
    expect(summarise(CARE_LEAVER).picture.patterns.map((p) => p.id)).toContain('care-leaver-money');
    expect(supervisionPrompts(summarise(CARE_LEAVER)).map((p) => p.key)).toContain('age-care-leaver-pathway');
  });

  it('when the gaming case has Contact and Consumption, then the anxious-checking pattern (about harm already done) does not fire', () => {
    expect(summarise(GAMING_9).picture.patterns.map((p) => p.id)).not.toContain('anxious-use');
  });
});

describe('grammar for none, one, two and many Cs', () => {
  it('when counted, then the noun and verb agree', () => {
    expect([0, 1, 2, 11].map((n) => countOf(n, 'area'))).toEqual(['no areas', 'one area', 'two areas', '11 areas']);
    expect([0, 1, 2, 5].map(isAre)).toEqual(['are', 'is', 'are', 'are']);
  });

  const withConcerns = (cs: ('consumption' | 'contact' | 'conduct')[]) =>
    summarise(
      completedAssessment({ caseRef: 'G-1', answers: Object.fromEntries(cs.map((c) => [c, { risk: 'medium' as const, resilience: 'some' as const }])) }),
    );

  it('when one C is a concern, then the picture and the prompts speak of it in the singular', () => {
    const s = withConcerns(['consumption']);
    expect(s.picture.statements[0]).toBe('Medium or high risk in one of the nine areas: Consumption (medium).');
    expect(supervisionPrompts(s).find((p) => p.key === 'impact')?.text).toMatch(/How is Consumption affecting/);
  });

  it('when two Cs are concerns, then plural, named once, and referred back to after', () => {
    const s = withConcerns(['contact', 'consumption']);
    expect(s.picture.statements[0]).toBe('Medium or high risk in two of the nine areas: Contact (medium) and Consumption (medium).');
    const impact = supervisionPrompts(s).find((p) => p.key === 'impact')?.text ?? '';
    expect(impact).toMatch(/How are the areas of concern above affecting/);
    expect(impact).not.toMatch(/Contact and Consumption/);
  });

  it('when many Cs are concerns, then the count is in words and the list appears once', () => {
    const s = withConcerns(['contact', 'conduct', 'consumption']);
    expect(s.picture.statements[0]).toMatch(
      /^Medium or high risk in three of the nine areas: Contact \(medium\), Conduct \(medium\) and Consumption \(medium\)\.$/,
    );
    const all = [...s.picture.statements, ...s.picture.patterns.map((p) => p.text), ...supervisionPrompts(s).map((p) => p.text)].join('\n');
    expect(all.match(/Contact \(medium\), Conduct \(medium\) and Consumption \(medium\)/g)).toHaveLength(1);
    const lists = cLists(all);
    expect(lists.filter((l, i) => lists.indexOf(l) !== i)).toEqual([]);
  });

  it('when no C is a concern, then it says so plainly', () => {
    const s = summarise(completedAssessment({ caseRef: 'G-0', answers: { contact: { risk: 'low' } } }));
    expect(s.picture.statements[0]).toBe('None of the nine areas is rated medium or high risk.');
  });

  it('when a list is named, then the namer refers back the second time', () => {
    const namer = new ListNamer();
    expect(namer.name(['contact', 'conduct'], 'these two')).toBe('Contact and Conduct');
    expect(namer.name(['conduct', 'contact'], 'these two')).toBe('these two');
    expect(namer.name(['contact'], 'x')).toBe('Contact');
    expect(findPatterns).toBeTypeOf('function');
  });
});

describe('safety prompts are never cut', () => {
  it('when every C is high at the field limits and the card shrinks to one prompt per stage, then the safety prompt and routes are still on it', () => {
    const s = summarise(atLimits());
    const prompts = supervisionPrompts(s);
    const safety = prompts.find((p) => p.key === 'safety-routes');
    expect(safety?.safety).toBe(true);
    const card = JSON.stringify(renderSummaryCard(s, prompts, { kind: 'preview', assessmentId: 'a-1' }));
    expect(card).toContain(safety!.text);
    for (const r of s.safety.routes) expect(card).toContain(r.name);
  });
});

describe('older plans stay readable', () => {
  it('when an answer only has the old plain "next steps" text, then it is one step of the plan', () => {
    expect(planOf('contact', { ...SALLY.answers.contact!, nextSteps: 'Keep talking; review in a month.' })).toEqual([
      { c: 'contact', what: 'Keep talking; review in a month.', who: '', by: '' },
    ]);
  });
});

describe('the council’s details come from validated configuration', () => {
  const base = { BOT_AUTH: 'disabled', HOST: '127.0.0.1' };
  it('when set, then they are in the config; when not https or not a phone number, then start-up stops with a clear message', () => {
    expect(
      loadConfig({ ...base, SAFEGUARDING_PROCEDURES_URL: 'https://council.example/procedures', OUT_OF_HOURS_PHONE: '0300 123 4567' }).safeguarding,
    ).toEqual({
      proceduresUrl: 'https://council.example/procedures',
      outOfHoursPhone: '0300 123 4567',
    });
    expect(loadConfig(base).safeguarding).toEqual({ proceduresUrl: undefined, outOfHoursPhone: undefined });
    expect(() => loadConfig({ ...base, SAFEGUARDING_PROCEDURES_URL: 'http://council.example/procedures' })).toThrow(
      /SAFEGUARDING_PROCEDURES_URL must be an https/,
    );
    expect(() => loadConfig({ ...base, OUT_OF_HOURS_PHONE: 'call the office' })).toThrow(/OUT_OF_HOURS_PHONE must be a phone number/);
  });
});
