import { describe, expect, it } from 'vitest';
import { AGE_BANDS, type AgeBand } from '../../src/tencs/assessment.js';
import { C_IDS, GUIDE_QUESTION_IDS, TEN_CS, getC, type CId } from '../../src/tencs/ten-cs.js';
import { READING_LEVEL, TOGETHER_WORDS, parentWords, youngWords, type ReadingLevel } from '../../src/tencs/together-words.js';
import { gradeLevel, longestSentence, readingEase, words } from '../helpers/readability.js';

/**
 * Reading levels, chosen and justified:
 * - under-11: Flesch-Kincaid grade at most 4 (reading age about 9), sentences of at most 14 words.
 *   The National Literacy Trust and the Plain English Campaign put a reading age of 8 to 9 at around
 *   US grade 3 to 4; under-8s have the words read aloud by the practitioner.
 * - 11 and over: grade at most 7 and Flesch reading ease at least 60, the usual "plain English" band
 *   (GOV.UK aims for a reading age of 9 for the public; 60+ is what most style guides call plain).
 *   Sentences of at most 16 words.
 * - parents and carers: the same plain English limits as 11 and over, sentences of at most 18 words.
 * Measured per C, on the intro and all questions together: the formulas are meant for passages,
 * not for a single question of five words.
 */
const LIMIT: Readonly<Record<ReadingLevel | 'parent', { grade: number; ease: number; words: number }>> = {
  'under-11': { grade: 4, ease: 75, words: 14 },
  '11-plus': { grade: 7, ease: 60, words: 16 },
  parent: { grade: 7, ease: 60, words: 18 },
};

/** Words young people and families should not meet: practitioners' terms, and words that judge. */
export const JARGON = [
  'social capital',
  'self-presentation',
  'self presentation',
  'self-narrative',
  'self-disclosure',
  'commercial',
  'exploit',
  'vulnerab',
  'resilien',
  'risk of harm',
  'protective factor',
  'composite',
  'safeguard',
  'groom',
  'validation',
  'developmental',
  'age-appropriate',
  'inappropriate',
  'perpetrator',
  'sextortion',
  'assessment',
  'practitioner',
  'concern',
  'compatib',
  'consumption',
  'disclos',
  'network',
  'platform',
  'misuse',
  'abuse',
];

/** Further words too hard or too adult for under-11s. */
const UNDER_11_EXTRA = ['content', 'digital', 'consent', 'identity', 'wellbeing', 'mental health', 'influen', 'popular'];

const texts = (w: { title: string; intro: string; questions: readonly { text: string }[] }) => [w.title, w.intro, ...w.questions.map((x) => x.text)];
const passage = (w: { intro: string; questions: readonly { text: string }[] }) => [w.intro, ...w.questions.map((x) => x.text)].join(' ');

describe("the ten Cs in young people's and parents' words", () => {
  it('when any C and age band is looked up, then it has a title, an intro and at least three questions', () => {
    for (const c of C_IDS) {
      for (const band of AGE_BANDS) {
        const w = youngWords(c, band);
        expect(w.title.length, `${c} ${band}`).toBeGreaterThan(3);
        expect(w.intro.length, `${c} ${band}`).toBeGreaterThan(20);
        expect(w.questions.length, `${c} ${band}`).toBeGreaterThanOrEqual(3);
      }
      expect(parentWords(c).questions.length, c).toBeGreaterThanOrEqual(3);
    }
    expect(Object.keys(TOGETHER_WORDS).sort()).toEqual([...C_IDS].sort());
  });

  it('when the guide question ids are listed, then each C has exactly one id per guide question, all unique', () => {
    const all = C_IDS.flatMap((c) => GUIDE_QUESTION_IDS[c]);
    expect(new Set(all).size).toBe(all.length);
    for (const c of TEN_CS) expect(GUIDE_QUESTION_IDS[c.id].length, c.id).toBe(c.questions.length);
  });

  for (const c of C_IDS) {
    it(`when ${c} is asked of anyone 11 or over, or of parents, then every guide question is rephrased once and nothing else is asked`, () => {
      const guide = [...GUIDE_QUESTION_IDS[c]].sort();
      for (const band of AGE_BANDS.filter((b) => READING_LEVEL[b] === '11-plus')) {
        expect(
          youngWords(c, band)
            .questions.map((x) => x.asks)
            .sort(),
          `${c} ${band}`,
        ).toEqual(guide);
        expect(youngWords(c, band).leftOut).toEqual([]);
      }
      expect(
        parentWords(c)
          .questions.map((x) => x.asks)
          .sort(),
      ).toEqual(guide);
    });

    it(`when ${c} is asked of an under-11, then every guide question is either rephrased or left out with a reason`, () => {
      for (const band of AGE_BANDS.filter((b) => READING_LEVEL[b] === 'under-11')) {
        const w = youngWords(c, band);
        const asked = w.questions.map((x) => x.asks);
        const left = w.leftOut.map((x) => x.asks);
        expect([...asked, ...left].sort(), `${c} ${band}`).toEqual([...GUIDE_QUESTION_IDS[c]].sort());
        for (const l of w.leftOut) expect(l.why.split(' ').length, `${c} ${l.asks}`).toBeGreaterThan(10);
      }
    });
  }

  it('when the under-11 wording leaves questions out, then it is only the two documented ones', () => {
    // conn-popularity: asking a young child how popular they are makes likes seem to matter more.
    // compo-interact: how worries add up is the practitioner's analysis, too abstract for a young child.
    const left = C_IDS.flatMap((c) => youngWords(c, '8-10').leftOut.map((l) => l.asks));
    expect(left.sort()).toEqual(['compo-interact', 'conn-popularity']);
  });

  for (const band of AGE_BANDS) {
    it(`when the wording for ${band} is measured, then every C meets its reading level and sentence length`, () => {
      const limit = LIMIT[READING_LEVEL[band]];
      const report = C_IDS.map((c) => {
        const p = passage(youngWords(c, band));
        return { c, grade: +gradeLevel(p).toFixed(1), ease: +readingEase(p).toFixed(0), longest: longestSentence(p) };
      });
      const failing = report.filter((r) => r.grade > limit.grade || r.ease < limit.ease || r.longest > limit.words);
      expect(failing, JSON.stringify(report)).toEqual([]);
    });
  }

  it("when the parents' wording is measured, then every C is plain English with short sentences", () => {
    const limit = LIMIT.parent;
    const report = C_IDS.map((c) => {
      const p = passage(parentWords(c));
      return { c, grade: +gradeLevel(p).toFixed(1), ease: +readingEase(p).toFixed(0), longest: longestSentence(p) };
    });
    expect(
      report.filter((r) => r.grade > limit.grade || r.ease < limit.ease || r.longest > limit.words),
      JSON.stringify(report),
    ).toEqual([]);
  });

  it("when any young person's or parent's wording is read, then no jargon term appears (and under-11s meet none of the harder words)", () => {
    const found: string[] = [];
    for (const c of C_IDS) {
      for (const band of AGE_BANDS) {
        const list = READING_LEVEL[band] === 'under-11' ? [...JARGON, ...UNDER_11_EXTRA] : JARGON;
        for (const t of texts(youngWords(c, band))) for (const j of list) if (t.toLowerCase().includes(j)) found.push(`${c} ${band}: "${j}" in "${t}"`);
      }
      for (const t of texts(parentWords(c))) for (const j of JARGON) if (t.toLowerCase().includes(j)) found.push(`${c} parent: "${j}" in "${t}"`);
    }
    expect(found).toEqual([]);
  });

  it("when the checks meet practitioner wording, then they fail it (a control: the guide's own questions are not young people's words)", () => {
    const guide = getC('connection').questions.join(' ');
    expect(JARGON.some((j) => guide.toLowerCase().includes(j))).toBe(true);
    const composite = getC('composite').questions.join(' ');
    expect(gradeLevel(composite)).toBeGreaterThan(LIMIT['11-plus'].grade);
    expect(gradeLevel(getC('compatibility').questions.join(' '))).toBeGreaterThan(LIMIT['under-11'].grade);
  });

  it('when the words are for a care leaver (18 to 25), then they are spoken to as an adult: no "your age", no parents at home', () => {
    const found = C_IDS.flatMap((c) =>
      youngWords(c, '18-25')
        .questions.filter((x) => /your age|parents or carers|grown-up/i.test(x.text))
        .map((x) => `${c}: ${x.text}`),
    );
    expect(found).toEqual([]);
    // A control: the 11 to 15 words do mention them, so the check can fail.
    expect(C_IDS.some((c) => youngWords(c, '14-15').questions.some((x) => /your age|parents or carers/i.test(x.text)))).toBe(true);
  });

  it("when a young person's wording opens a C, then it starts from what goes well, not from a risk", () => {
    const opening = /worr|harm|risk|unsafe|scar|mean to|hurt|danger|bad/i;
    const problems: string[] = [];
    for (const c of C_IDS as readonly CId[]) {
      for (const band of AGE_BANDS) {
        const w = youngWords(c, band);
        if (opening.test(w.questions[0]!.text)) problems.push(`${c} ${band}: first question "${w.questions[0]!.text}"`);
      }
      if (opening.test(parentWords(c).questions[0]!.text)) problems.push(`${c} parent: first question`);
    }
    expect(problems).toEqual([]);
  });

  it('when the words are for 16 to 17, then they have their own where life differs: relationships, saying no, money, work and college', () => {
    const joined = (band: AgeBand, c: CId) => texts(youngWords(c, band)).join(' ');
    const own = C_IDS.filter((c) => joined('16-17', c) !== joined('14-15', c));
    expect(own.length).toBeGreaterThanOrEqual(8);
    const sixteen = C_IDS.map((c) => joined('16-17', c)).join(' ');
    const fourteen = C_IDS.map((c) => joined('14-15', c)).join(' ');
    for (const theme of [/someone you are seeing|partner|get close to/i, /say no|without your OK/i, /money|earn/i, /work|college/i])
      expect(sixteen, String(theme)).toMatch(theme);
    // Only a 16 to 17 year old is asked about partners, control and college; a 14 year old is not.
    for (const older of [/someone you are seeing|partner/i, /control you/i, /college/i]) expect(fourteen, String(older)).not.toMatch(older);
  });

  it('when the words are for under-8s, then where they differ from 8 to 10 they are shorter and no harder, and every question keeps the guide question it rephrases', () => {
    const own = C_IDS.filter((c) => passage(youngWords(c, 'under-8')) !== passage(youngWords(c, '8-10')));
    expect(own.length).toBeGreaterThanOrEqual(8);
    const report: string[] = [];
    for (const c of own) {
      const young = youngWords(c, 'under-8');
      const older = youngWords(c, '8-10');
      expect(
        young.questions.map((x) => x.asks),
        c,
      ).toEqual(older.questions.map((x) => x.asks));
      const [g8, g10] = [gradeLevel(passage(young)), gradeLevel(passage(older))];
      const [w8, w10] = [words(passage(young)).length, words(passage(older)).length];
      // Shorter, and no harder: Flesch-Kincaid moves a few tenths either way between texts of the same difficulty.
      if (w8 >= w10 || g8 > g10 + 0.5) report.push(`${c}: grade ${g8.toFixed(1)} vs ${g10.toFixed(1)}, ${w8} vs ${w10} words`);
    }
    expect(report).toEqual([]);
  });
});
