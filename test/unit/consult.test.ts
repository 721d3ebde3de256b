import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ACSdk from 'adaptivecards';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cautionsData, changesData, consultCData, consultListData, MAX_ECHO_CHARS, practiceExampleData, standardsData } from '../../src/cards/consult-cards.js';
import { CARDS_DIR, renderCard } from '../../src/cards/render.js';
import { VERBS } from '../../src/cards/verbs.js';
import { renderWelcomeCard } from '../../src/cards/welcome-card.js';
import { CAUTIONS, CHANGES, PRACTICE_EXAMPLE, STANDARDS, editDistance, findC, normaliseName, practiceStepOf } from '../../src/tencs/consult.js';
import { TEN_CS, getC, type CId } from '../../src/tencs/ten-cs.js';
import { cardText } from '../helpers/bot-harness.js';

const found = (q: string): CId | undefined => {
  const r = findC(q);
  return r.kind === 'found' ? r.c.id : undefined;
};

describe('findC', () => {
  it.each(TEN_CS.map((c) => [c.id, c] as const))(
    'when %s is typed by id, short title, title, any alias, number, "C<n>" or word, then it is found',
    (_id, c) => {
      const words = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
      for (const q of [c.id, c.shortTitle, c.title, ...c.aliases, String(c.number), `C${c.number}`, `c ${c.number}`, `#${c.number}`, words[c.number - 1]!]) {
        expect(found(q), q).toBe(c.id);
        expect(found(q.toUpperCase()), q.toUpperCase()).toBe(c.id);
        expect(found(`  the ${q} risks `), `padded ${q}`).toBe(c.id);
      }
    },
  );

  it('when two Cs share an alias, then the data is ambiguous (no alias may name two Cs)', () => {
    const owner = new Map<string, CId>();
    for (const c of TEN_CS) {
      for (const name of [c.id, c.shortTitle, c.title, ...c.aliases].map(normaliseName)) {
        expect(owner.get(name) ?? c.id, name).toBe(c.id);
        owner.set(name, c.id);
      }
    }
  });

  it.each([
    ['Contcat', 'contact'],
    ['contxt', 'context'],
    ['self disclosure', 'confidentiality'],
    ['Self-Disclosure', 'confidentiality'],
    ['selfdisclosure', 'confidentiality'],
    ['socail capital', 'connection'],
    ['consumtion', 'consumption'],
    ['commerical', 'commercial'],
    ['compsite', 'composite'],
    ['confidentality', 'confidentiality'],
    ['compatability', 'compatibility'],
    ['conduckt', 'conduct'],
    ['contact with strangers', 'contact'],
    ['consu', 'consumption'],
    ['fifth', 'contact'],
    ['C10', 'composite'],
  ])('when the practitioner types %j, then it finds %s', (q, id) => {
    expect(found(q)).toBe(id);
  });

  it.each([
    ['cont', ['context', 'content', 'contact']],
    ['comp', ['compatibility', 'composite']],
    ['conduct and contact', ['contact', 'conduct']],
    ['contect', ['context', 'content']],
  ])('when %j could mean several Cs, then none is guessed and those Cs are suggested', (q, ids) => {
    const r = findC(q);
    expect(r.kind).toBe('unknown');
    if (r.kind === 'unknown') expect(r.suggestions.map((c) => c.id)).toEqual(expect.arrayContaining(ids));
  });

  it.each(['', '   ', 'xyz', '0', '11', 'C11', 'c', 'banana bread', '**bold**', '${hasUnknown}'])('when %j names no C, then it is unknown', (q) => {
    expect(findC(q).kind).toBe('unknown');
  });

  it("when any C's short title has any one slip (swap, drop, add or change a letter), then that C is found or at least suggested", () => {
    const letters = 'abcdefghijklmnopqrstuvwxyz'.split('');
    const failures: string[] = [];
    let checked = 0;
    for (const c of TEN_CS) {
      const s = c.shortTitle.toLowerCase();
      const others = TEN_CS.filter((o) => o !== c).flatMap((o) => [o.id, o.shortTitle, ...o.aliases].map(normaliseName));
      const slips = new Set<string>();
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length) slips.add(s.slice(0, i) + s[i + 1]! + s[i]! + s.slice(i + 2));
        slips.add(s.slice(0, i) + s.slice(i + 1));
        for (const l of letters) {
          slips.add(s.slice(0, i) + l + s.slice(i));
          slips.add(s.slice(0, i) + l + s.slice(i + 1));
        }
      }
      for (const typed of slips) {
        // One slip can spell another C exactly ("content" -> "context"); that is a different, correct answer.
        if (typed === s || others.includes(typed)) continue;
        checked++;
        const r = findC(typed);
        const ok = r.kind === 'found' ? r.c.id === c.id : r.suggestions.some((x) => x.id === c.id);
        if (!ok) failures.push(`${typed} -> ${r.kind === 'found' ? r.c.id : r.suggestions.map((x) => x.id).join('|') || 'nothing'}`);
      }
    }
    expect(checked).toBeGreaterThan(4000);
    expect(failures).toEqual([]);
  });

  it('when measuring edits, then a swap of neighbours costs one and the distance is symmetric', () => {
    expect(editDistance('contcat', 'contact')).toBe(1);
    expect(editDistance('contact', 'context')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
    fc.assert(fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => editDistance(a, b) === editDistance(b, a)));
  });
});

/** Every string a card carries, with the type of the element holding it. */
function stringsWithHolders(node: unknown, holder = 'AdaptiveCard', out: { holder: string; key: string; value: string }[] = []) {
  if (Array.isArray(node)) node.forEach((n) => stringsWithHolders(n, holder, out));
  else if (node && typeof node === 'object') {
    const type = typeof (node as { type?: unknown }).type === 'string' ? (node as { type: string }).type : holder;
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string') out.push({ holder: type, key, value });
      else stringsWithHolders(value, type, out);
    }
  }
  return out;
}

describe('consultation cards', () => {
  it.each(TEN_CS.map((c) => [c.id, c] as const))(
    'when %s is shown, then its meaning, every question, every example and what to explore are on the card',
    (_id, c) => {
      const text = cardText(renderCard('consult-c', consultCData(c)));
      expect(text).toContain(c.title);
      expect(text).toContain(c.meaning);
      for (const line of [...c.questions, ...c.strengthExamples, ...c.vulnerabilityExamples]) expect(text).toContain(line);
      expect(text).toContain(c.explore);
    },
  );

  it('when a C is shown, then it offers the list, its neighbours and starting an assessment', () => {
    const actions = renderCard('consult-c', consultCData(getC('contact'))).actions as { verb: string; data: { c?: string } }[];
    expect(actions.map((a) => a.verb)).toEqual([VERBS.consultList, VERBS.consultC, VERBS.consultC, VERBS.start]);
    expect(actions.filter((a) => a.verb === VERBS.consultC).map((a) => a.data.c)).toEqual(['content', 'conduct']);
    const first = renderCard('consult-c', consultCData(getC('confidentiality'))).actions as { data: { c?: string } }[];
    const last = renderCard('consult-c', consultCData(getC('composite'))).actions as { data: { c?: string } }[];
    expect(first.map((a) => a.data.c).filter(Boolean)).toEqual(['connection']);
    expect(last.map((a) => a.data.c).filter(Boolean)).toEqual(['commercial']);
  });

  it('when the list is shown, then there is one button per C, in order, each opening that C', () => {
    const card = renderCard('consult-list', consultListData());
    const buttons = stringsWithHolders(card).filter((s) => s.holder === 'Action.Execute' && s.key === 'verb' && s.value === VERBS.consultC);
    expect(buttons).toHaveLength(10);
    const json = JSON.stringify(card);
    const order = TEN_CS.map((c) => json.indexOf(`"data":{"c":"${c.id}"}`));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(cardText(card)).not.toContain("couldn't find");
  });

  it('when a name matched no C, then the typed text appears only in a TextRun, with the valid names and the suggestions', () => {
    const typed = '**Zebedee** [click](https://example.com) ${hasUnknown}';
    const card = renderCard('consult-list', consultListData({ query: typed, suggestions: [getC('contact')] }));
    const holders = stringsWithHolders(card).filter((s) => s.value.includes('Zebedee'));
    expect(holders).toEqual([{ holder: 'TextRun', key: 'text', value: typed }]);
    const text = cardText(card);
    for (const c of TEN_CS) expect(text).toContain(c.shortTitle);
    expect(text).toContain('Did you mean');
    expect(text).toContain('5. Contact');
  });

  it('when the unrecognised name is very long, then only the first characters are echoed', () => {
    const card = renderCard('consult-list', consultListData({ query: 'x'.repeat(5000), suggestions: [] }));
    const run = stringsWithHolders(card).find((s) => s.holder === 'TextRun' && s.value.startsWith('x'))!;
    expect(run.value).toBe(`${'x'.repeat(MAX_ECHO_CHARS)}…`);
    expect(cardText(card)).not.toContain('Did you mean');
  });

  it('when the cautions are shown, then every point of every caution is on the card', () => {
    const text = cardText(renderCard('consult-cautions', cautionsData()));
    for (const caution of CAUTIONS) {
      expect(text).toContain(caution.title);
      for (const point of caution.points) expect(text).toContain(point);
    }
  });

  it('when reading the cautions, then they cover what the guide warns about', () => {
    const all = CAUTIONS.flatMap((c) => [c.title, ...c.points]).join('\n');
    for (const phrase of [
      /authorised/,
      /ethical/,
      /indecent image/i,
      /even as evidence/,
      /referrals, emails or case notes/,
      /screenshots/,
      /re-victimise/,
      /phone call/,
      /doorstep/,
      /stranger/,
      /digital assault/i,
      /seizure/,
      /last resort/,
      /as short a time as necessary/,
      /inequality/i,
      /peer/,
    ]) {
      expect(all).toMatch(phrase);
    }
  });

  it('when the practice example is walked, then the introduction warns about the images and each step shows its C and every prompt', () => {
    const intro = cardText(renderCard('consult-practice-example', practiceExampleData(0)));
    expect(intro).toContain(PRACTICE_EXAMPLE.scenario);
    expect(intro).toContain(PRACTICE_EXAMPLE.imageCaution);
    PRACTICE_EXAMPLE.steps.forEach((step, i) => {
      const card = renderCard('consult-practice-example', practiceExampleData(i + 1));
      const text = cardText(card);
      expect(text).toContain(`Step ${i + 1} of ${PRACTICE_EXAMPLE.steps.length}`);
      expect(text).toContain(getC(step.c).shortTitle);
      for (const prompt of step.prompts) expect(text).toContain(prompt);
      expect(JSON.stringify(card.actions)).toContain(`"c":"${step.c}"`);
    });
  });

  it('when following the guide, then the example goes C by C in its order and ends on the complex and composite risks', () => {
    expect(PRACTICE_EXAMPLE.steps.map((s) => s.c)).toEqual([
      'content',
      'context',
      'confidentiality',
      'contact',
      'connection',
      'conduct',
      'compatibility',
      'consumption',
      'composite',
    ]);
    expect(PRACTICE_EXAMPLE.steps.at(-1)!.prompts[0]).toBe('What are the complex and composite risks?');
    expect(practiceStepOf('contact')).toBe(4);
    expect(practiceStepOf('commercial')).toBeUndefined();
  });

  it('when stepping, then Previous and Next move by one and stop at the ends', () => {
    const steps = (n: number) =>
      (renderCard('consult-practice-example', practiceExampleData(n)).actions as { verb: string; data: { step?: number } }[])
        .filter((a) => a.verb === VERBS.practiceExample)
        .map((a) => a.data.step);
    expect(steps(0)).toEqual([1]);
    expect(steps(4)).toEqual([3, 5]);
    expect(steps(9)).toEqual([8]);
  });

  it('when asking about a major change, then every question is on the card and none is tied to lockdown', () => {
    const text = cardText(renderCard('consult-changes', changesData()));
    for (const q of CHANGES.questions) {
      expect(text).toContain(q);
      expect(q).not.toMatch(/lockdown|covid/i);
    }
    for (const c of TEN_CS) expect(text).toContain(c.shortTitle);
  });

  it('when the standards are shown, then 2.5, 3.10 and 5.6 and the digital professionalism guide are on the card', () => {
    const text = cardText(renderCard('consult-standards', standardsData()));
    expect(STANDARDS.standards.map((s) => s.number)).toEqual(['2.5', '3.10', '5.6']);
    for (const s of STANDARDS.standards) {
      expect(text).toContain(s.number);
      expect(text).toContain(s.summary);
    }
    expect(text).toContain('Best Practice Guide for Digital Professionalism');
  });

  it('when a consultation or welcome card names a verb, then it is one of the shared VERBS', () => {
    const known = new Set<string>(Object.values(VERBS));
    for (const file of [
      'welcome.json',
      'consult-list.json',
      'consult-c.json',
      'consult-cautions.json',
      'consult-practice-example.json',
      'consult-changes.json',
      'consult-standards.json',
    ]) {
      const verbs = [...readFileSync(path.join(CARDS_DIR, file), 'utf8').matchAll(/"verb":\s*"([^"]+)"/g)].map((m) => m[1]!);
      expect(verbs.length, file).toBeGreaterThan(0);
      for (const verb of verbs) expect(known.has(verb), `${file}: ${verb}`).toBe(true);
    }
  });

  it('when a card template is read, then fixed text is in TextBlocks and only a TextRun binds the typed query', () => {
    for (const file of [
      'consult-list.json',
      'consult-c.json',
      'consult-cautions.json',
      'consult-practice-example.json',
      'consult-changes.json',
      'consult-standards.json',
    ]) {
      const template = JSON.parse(readFileSync(path.join(CARDS_DIR, file), 'utf8')) as unknown;
      for (const s of stringsWithHolders(template).filter((x) => x.value.includes('${query}'))) expect(s.holder, file).toBe('TextRun');
    }
  });

  it('when every consultation card and the welcome are parsed by the Adaptive Cards SDK, then it reports no errors (and it does report a broken card)', () => {
    // adaptivecards is CommonJS: depending on the loader its exports sit on the namespace or on its default.
    const sdk = ACSdk.AdaptiveCard ? ACSdk : (ACSdk as unknown as { default: typeof ACSdk }).default;
    const problems = (json: object): string[] => {
      const card = new sdk.AdaptiveCard();
      const context = new sdk.SerializationContext();
      card.parse(json, context);
      const parse = Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i).message);
      return [...parse, ...card.validateProperties().validationEvents.map((e) => e.message)];
    };
    const cards = {
      list: renderCard('consult-list', consultListData()),
      unknown: renderCard('consult-list', consultListData({ query: 'x', suggestions: [getC('contact'), getC('context')] })),
      ...Object.fromEntries(TEN_CS.map((c) => [c.id, renderCard('consult-c', consultCData(c))])),
      cautions: renderCard('consult-cautions', cautionsData()),
      ...Object.fromEntries(PRACTICE_EXAMPLE.steps.map((_, i) => [`example-${i}`, renderCard('consult-practice-example', practiceExampleData(i))])),
      changes: renderCard('consult-changes', changesData()),
      standards: renderCard('consult-standards', standardsData()),
      welcome: renderWelcomeCard({ retentionDays: 90, auditRetentionDays: 800, caseRetentionDays: 396 }, { personal: true }),
    };
    for (const [name, json] of Object.entries(cards)) expect(problems(json), name).toEqual([]);
    expect(problems({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlok', text: 'x' }] }).length).toBeGreaterThan(0);
  });
});
