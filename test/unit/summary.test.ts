import { describe, expect, it } from 'vitest';
import { caseRecordText } from '../../src/tencs/case-record.js';
import { excerpt, summarise, JUDGEMENT_NOTE, STRENGTH_EXCERPT_CHARS } from '../../src/tencs/summary.js';
import { getC, TEN_CS } from '../../src/tencs/ten-cs.js';
import { ALL_LOW, MANY_HIGH_OFFLINE, NOTHING_EXPLORED, ONE_HIGH, SALLY, SALLY_CS, atLimits, completedAssessment } from '../fixtures/assessments.js';

const title = (c: (typeof SALLY_CS)[number]) => getC(c).shortTitle;

describe('summarise: the Sally practice example', () => {
  const s = summarise(SALLY);

  it('when Sally is summarised, then the composite picture names every C the guide flags for her', () => {
    expect([...s.picture.concerns].sort()).toEqual([...SALLY_CS, 'composite'].sort());
    const statements = s.picture.statements.join(' ');
    for (const c of SALLY_CS) expect(statements).toContain(title(c));
  });

  it('when confidentiality, contact and conduct are all at risk, then the guide’s compounding combination is stated', () => {
    const p = s.picture.patterns.find((x) => x.id === 'disclosure-contact-conduct');
    expect(p?.cs).toEqual(['confidentiality', 'contact', 'conduct']);
    expect(p?.text).toMatch(/Confidentiality, Contact and Conduct/);
    expect(s.picture.patterns.map((x) => x.id)).toEqual(
      expect.arrayContaining([
        'several-at-once',
        'risk-without-resilience',
        'content-context',
        'peer-networks',
        'anxious-use',
        'self-narrative',
        'online-on-offline',
      ]),
    );
  });

  it('when the practitioner wrote an analysis and impact, then the summary carries them unchanged', () => {
    expect(s.analysis).toBe(SALLY.composite?.analysis);
    expect(s.impact).toBe(SALLY.composite?.impact);
  });

  it('when resilience is some or strong, then those Cs are strengths to build on with the practitioner’s words', () => {
    expect(s.strengths.map((x) => x.c)).toEqual(['connection', 'context', 'contact', 'composite']);
    expect(s.strengths[0]?.excerpt).toContain('Two close friends');
  });

  it('when the practitioner confirmed the Triangle placement, then the summary shows their choice, not the guide’s suggestion', () => {
    const dev = s.triangle.domains.find((t) => t.domain === 'developmental-needs');
    const parenting = s.triangle.domains.find((t) => t.domain === 'parenting-capacity');
    expect(s.triangle.confirmed).toBe(true);
    expect(dev?.cs).toEqual(['confidentiality', 'content', 'contact', 'conduct', 'compatibility', 'consumption']);
    // The guide's table would put Confidentiality and Conduct under parenting capacity; her supportive mother does not.
    expect(parenting?.cs).toEqual(['consumption']);
  });

  it('when any summary is made, then it says professional judgement decides and never gives a score', () => {
    expect(s.judgementNote).toBe(JUDGEMENT_NOTE);
    expect(JUDGEMENT_NOTE).toMatch(/professional judgement/);
    expect(Object.keys(s).join(' ')).not.toMatch(/score|rating|total/i);
    expect(JSON.stringify(s)).not.toMatch(/\b\d+ ?\/ ?\d+\b|scored?\s+(of|at)\b/i);
  });
});

describe('summarise: other shapes of assessment', () => {
  it('when every C is low, then no medium or high risk is reported and no pattern is claimed', () => {
    const s = summarise(ALL_LOW);
    expect(s.picture.concerns).toEqual([]);
    expect(s.picture.patterns).toEqual([]);
    expect(s.picture.statements).toContain('None of the nine areas is rated medium or high risk.');
    expect(s.strengths).toHaveLength(10);
    expect(s.triangle).toEqual({ confirmed: false, domains: [], unplaced: [] });
  });

  it('when only contact is high with low resilience, then the picture names contact alone and the risk-without-resilience pattern', () => {
    const s = summarise(ONE_HIGH);
    expect(s.picture.concerns).toEqual(['contact']);
    expect(s.picture.concurrentConcerns).toBe(1);
    expect(s.picture.patterns.map((p) => p.id)).toEqual(['risk-without-resilience']);
    expect(s.picture.patterns[0]?.cs).toEqual(['contact']);
  });

  it('when several Cs are high on top of domestic abuse, parental mental ill-health and substance misuse, then both compounding patterns are stated', () => {
    const s = summarise(MANY_HIGH_OFFLINE);
    const ids = s.picture.patterns.map((p) => p.id);
    expect(ids).toEqual(expect.arrayContaining(['several-at-once', 'offline-combination', 'online-on-offline', 'exploitation']));
    const triad = s.picture.patterns.find((p) => p.id === 'offline-combination');
    expect(triad?.offlineFactors).toEqual(['domestic-abuse', 'parental-mental-health', 'substance-misuse']);
    expect(triad?.text).toMatch(/very combination the guide gives/);
    expect(s.picture.concurrentConcerns).toBe(5);
    expect(s.picture.offlineOther).toBe('Recent move of school.');
    expect(s.triangle.confirmed).toBe(false);
  });

  it('when nothing was explored, then the summary says so instead of inventing a picture', () => {
    const s = summarise(NOTHING_EXPLORED);
    expect(s.picture.concerns).toEqual([]);
    expect(s.picture.notExplored).toHaveLength(10);
    expect(s.picture.skipped).toEqual(['confidentiality', 'connection']);
    expect(s.picture.statements[0]).toMatch(/None of the ten Cs has been explored/);
    expect(s.picture.patterns).toEqual([]);
    expect(s.strengths).toEqual([]);
  });

  it('when two of the three offline factors are present, then the combination is named as part of the guide’s example', () => {
    const s = summarise(completedAssessment({ caseRef: 'T-1', answers: {}, composite: { offlineFactors: ['domestic-abuse', 'substance-misuse'] } }));
    const p = s.picture.patterns.find((x) => x.id === 'offline-combination');
    expect(p?.text).toMatch(/part of the combination/);
  });
});

describe('statements never carry the practitioner’s text', () => {
  it('when every field holds a marker, then no statement or pattern contains it', () => {
    const s = summarise(atLimits('§'));
    for (const text of [...s.picture.statements, ...s.picture.patterns.map((p) => p.text)]) expect(text).not.toContain('§');
    expect(s.analysis).toContain('§');
  });
});

describe('excerpt', () => {
  it('when text is longer than the limit, then it is cut at a word and visibly marked', () => {
    const long = 'word '.repeat(100);
    const e = excerpt(long, STRENGTH_EXCERPT_CHARS);
    expect(e.shortened).toBe(true);
    expect(e.text.length).toBeLessThanOrEqual(STRENGTH_EXCERPT_CHARS);
    expect(e.text.endsWith('…')).toBe(true);
  });

  it('when text has control characters, then they are removed', () => {
    expect(excerpt('a\u0000b\u001bc\nd', 50).text).toBe('abc\nd');
  });
});

describe('caseRecordText', () => {
  it('when Sally is copied for the case record, then every C, the patterns, the analysis and the judgement note are in plain text', () => {
    const text = caseRecordText(summarise(SALLY));
    for (const c of TEN_CS) expect(text).toContain(`C${c.number} ${c.title}: risk`);
    expect(text).toContain('Case reference: PX-SALLY-13');
    expect(text).toContain(SALLY.composite!.analysis);
    expect(text).toContain(JUDGEMENT_NOTE);
    expect(text).not.toMatch(/\*\*|__|\[.*\]\(/);
  });

  it('when nothing was explored, then the record says analysis and impact were not recorded', () => {
    const text = caseRecordText(summarise(NOTHING_EXPLORED));
    expect(text).toMatch(/HOW THE RISKS COMBINE\n-+\nNot recorded\./);
  });
});
