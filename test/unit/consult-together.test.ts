import { describe, expect, it } from 'vitest';
import { consultCData } from '../../src/cards/consult-cards.js';
import { renderCard } from '../../src/cards/render.js';
import { renderConsultTogether } from '../../src/cards/together-cards.js';
import { VERBS } from '../../src/cards/verbs.js';
import { ageBandFor, findC, parseAgeRequest } from '../../src/tencs/consult.js';
import { youngWords } from '../../src/tencs/together-words.js';
import { getC } from '../../src/tencs/ten-cs.js';

describe("consult a C in a young person's words", () => {
  it('when an age is given in the ways people type it, then the name and the age band are found', () => {
    const cases: [string, string, number, string][] = [
      ['contact for a 12-year-old', 'contact', 12, '11-13'],
      ['contact for a 12 year old', 'contact', 12, '11-13'],
      ['Contact for 9 year olds', 'Contact', 9, '8-10'],
      ['social capital for age 15', 'social capital', 15, '14-15'],
      ['C5 aged 7', 'C5', 7, 'under-8'],
      ['consumption for a young person aged 17', 'consumption', 17, '16-17'],
      ['commercial for a 19 yo', 'commercial', 19, '18-25'],
    ];
    for (const [text, name, age, band] of cases) expect(parseAgeRequest(text), text).toEqual({ kind: 'age', name, age, band });
    expect(findC((parseAgeRequest('contact for a 12-year-old') as { name: string }).name)).toMatchObject({ kind: 'found', c: { id: 'contact' } });
  });

  it('when no age is given, or the age is outside 0 to 25, then it says so', () => {
    expect(parseAgeRequest('contact')).toEqual({ kind: 'none' });
    expect(parseAgeRequest('contact with strangers')).toEqual({ kind: 'none' });
    expect(parseAgeRequest('for a 12-year-old')).toEqual({ kind: 'none' });
    expect(parseAgeRequest('contact for a 40-year-old')).toMatchObject({ kind: 'age', age: 40, band: undefined });
    expect(ageBandFor(8)).toBe('8-10');
    expect(ageBandFor(10)).toBe('8-10');
    expect(ageBandFor(11)).toBe('11-13');
    expect(ageBandFor(26)).toBeUndefined();
  });

  it("when the consult card for a C is shown, then it has a button for the young person's words that names the C", () => {
    const card = JSON.stringify(renderCard('consult-c', consultCData(getC('contact'))));
    expect(card).toContain(`"verb":"${VERBS.consultTogether}","data":{"c":"contact","band":"11-13"}`);
  });

  it("when a 12-year-old's words for contact are shown, then they are the 11 to 13 wording, nothing is stored and other bands are offered for the same C", () => {
    const card = renderConsultTogether('contact', '11-13');
    const json = JSON.stringify(card);
    for (const q of youngWords('contact', '11-13').questions) expect(json).toContain(JSON.stringify(q.text).slice(1, -1));
    expect(json).toContain('Nothing here is stored');
    expect(json).not.toMatch(/Input\./);
    expect(json).toContain('{"c":"contact","band":"8-10"}');
    expect(json).not.toContain('{"c":"contact","band":"11-13"}');
  });
});
