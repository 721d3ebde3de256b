import * as ACns from 'adaptivecards';
import { describe, expect, it } from 'vitest';
import { MAX_CARD_BYTES } from '../../src/cards/render.js';
import { NOTES_SHOWN, renderSummaryCard, type SummaryCardMode } from '../../src/cards/summary-cards.js';
import { VERBS } from '../../src/cards/verbs.js';
import { RESILIENCE_LABELS, RISK_LABELS, type Assessment } from '../../src/tencs/assessment.js';
import { summarise } from '../../src/tencs/summary.js';
import { supervisionPrompts } from '../../src/tencs/supervision-prompts.js';
import { TEN_CS } from '../../src/tencs/ten-cs.js';
import { ALL_LOW, MANY_HIGH_OFFLINE, NOTHING_EXPLORED, ONE_HIGH, SALLY, atLimits, completedAssessment } from '../fixtures/assessments.js';
import { cardText } from '../helpers/bot-harness.js';

// The package is CommonJS: under vitest its exports sit on the namespace, under tsx on `default`.
const AC = (ACns as { AdaptiveCard?: unknown }).AdaptiveCard ? ACns : (ACns as unknown as { default: typeof ACns }).default;

/** Messages from the adaptivecards parser (unknown elements, invalid values); none expected. */
function parseProblems(card: object): string[] {
  const ac = new AC.AdaptiveCard();
  const ctx = new AC.SerializationContext();
  ac.parse(card, ctx);
  return Array.from({ length: ctx.eventCount }, (_, i) => ctx.getEventAt(i).message);
}

type Node = Record<string, unknown>;
function walk(node: unknown, visit: (n: Node) => void): void {
  if (Array.isArray(node)) return node.forEach((n) => walk(n, visit));
  if (node && typeof node === 'object') {
    visit(node as Node);
    Object.values(node).forEach((v) => walk(v, visit));
  }
}

const channel = (over: Partial<Extract<SummaryCardMode, { kind: 'channel' }>> = {}): SummaryCardMode => ({
  kind: 'channel',
  shareId: 'share-1',
  sharedBy: 'Practitioner One',
  acks: [],
  notes: [],
  ...over,
});
const render = (a: Assessment, mode: SummaryCardMode = { kind: 'preview', assessmentId: a.id }) => {
  const s = summarise(a);
  return renderSummaryCard(s, supervisionPrompts(s), mode);
};

describe.each([
  ['Sally', SALLY],
  ['all low', ALL_LOW],
  ['one high', ONE_HIGH],
  ['many high with offline factors', MANY_HIGH_OFFLINE],
  ['nothing explored', NOTHING_EXPLORED],
])('summary card for %s', (_name, assessment) => {
  for (const mode of [{ kind: 'preview', assessmentId: assessment.id } as const, channel()]) {
    it(`when rendered for the ${mode.kind}, then it is a valid 1.5 card under the size limit with no images`, () => {
      const card = render(assessment, mode);
      expect(card.version).toBe('1.5');
      expect(parseProblems(card)).toEqual([]);
      expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(MAX_CARD_BYTES);
      walk(card, (n) => expect(['Image', 'ImageSet', 'Media']).not.toContain(n.type));
      expect(JSON.stringify(card)).not.toMatch(/data:image|\.png|\.svg/);
    });
  }

  it('when the map is rendered, then every C has a row saying its risk and resilience in words, with a matching colour', () => {
    const card = render(assessment);
    const rows: Node[] = [];
    walk(card, (n) => {
      if (n.type === 'ColumnSet' && Array.isArray(n.columns) && (n.columns as Node[]).length === 3 && (n.columns as Node[])[1]?.style) rows.push(n);
    });
    expect(rows).toHaveLength(10);
    const s = summarise(assessment);
    for (const [i, c] of TEN_CS.entries()) {
      const j = s.judgements[i]!;
      const text = cardText(rows[i]);
      expect(text).toContain(`C${c.number} ${c.shortTitle}`);
      const [, risk, resilience] = rows[i]!.columns as Node[];
      // The columns have headings, so each cell holds only the level word: short enough not to break on a phone.
      expect(cardText(risk).trim()).toBe(RISK_LABELS[j.risk]);
      expect(cardText(resilience).trim()).toBe(RESILIENCE_LABELS[j.resilience]);
      expect(['attention', 'warning', 'accent', 'good', 'emphasis']).toContain(risk!.style);
      expect(['good', 'accent', 'warning', 'emphasis']).toContain(resilience!.style);
    }
  });
});

describe('colour never stands alone', () => {
  it('when two Cs share a colour, then their words still tell them apart', () => {
    const card = render(
      completedAssessment({ caseRef: 'C-1', answers: { content: { risk: 'medium', resilience: 'low' }, contact: { risk: 'medium', resilience: 'some' } } }),
    );
    const text = cardText(card);
    expect(text).toMatch(/C4 Content\s+Medium\s+Low/);
    expect(text).toMatch(/C5 Contact\s+Medium\s+Some/);
    expect(text).toMatch(/C\s+Risk of harm\s+Resilience/);
  });

  it('when high risk is shown, then it uses the attention style that Teams maps in every theme', () => {
    const card = render(SALLY);
    const styles: string[] = [];
    walk(card, (n) => {
      if (n.type === 'Column' && typeof n.style === 'string') styles.push(n.style);
    });
    expect(styles).toContain('attention');
  });
});

describe('user text is only ever data', () => {
  const marker = '§MARK§';
  const hostile = `${marker} \${caseRef} {{DATE(2020-01-01T00:00:00Z)}} [link](https://example.invalid) ![i](https://example.invalid/x.png) <b>x</b> **bold** "}]}`;
  const assessment = completedAssessment({
    caseRef: 'INJ-1',
    answers: Object.fromEntries(
      TEN_CS.map((c) => [
        c.id,
        { risk: 'high', resilience: 'some', strengths: hostile, vulnerabilities: hostile, youngPersonView: hostile, parentView: hostile, nextSteps: hostile },
      ]),
    ),
    composite: { offlineOther: hostile, analysis: hostile, impact: hostile },
  });
  const mode = channel({
    sharedBy: hostile,
    acks: [{ name: hostile, at: '2020-05-27T10:00:00.000Z' }],
    notes: [{ author: hostile, at: '2020-05-27T10:00:00.000Z', text: hostile }],
  });

  it('when every field holds markup and template syntax, then it appears only in TextRuns, literally', () => {
    const card = render(assessment, mode);
    let runs = 0;
    let whole = 0;
    walk(card, (n) => {
      for (const [k, v] of Object.entries(n)) {
        if (typeof v !== 'string' || !v.includes(marker)) continue;
        expect(`${String(n.type)}.${k}`).toBe('TextRun.text');
        runs++;
        expect(v).toContain('${caseRef} {{DATE(2020-01-01T00:00:00Z)}}');
        if (v.includes(hostile)) whole++;
      }
    });
    expect(runs).toBeGreaterThanOrEqual(10);
    // Analysis, impact, other offline factors and the note are short enough to appear whole.
    expect(whole).toBeGreaterThanOrEqual(4);
    expect(parseProblems(card)).toEqual([]);
  });

  it('when the card is rendered, then the free-text answers about each C are not carried into the channel', () => {
    const card = render(
      completedAssessment({
        caseRef: 'P-1',
        answers: { contact: { risk: 'high', vulnerabilities: 'VULN-TEXT', youngPersonView: 'YP-VIEW', parentView: 'PARENT-VIEW', nextSteps: 'NEXT-STEP' } },
      }),
      channel(),
    );
    const json = JSON.stringify(card);
    for (const t of ['VULN-TEXT', 'YP-VIEW', 'PARENT-VIEW', 'NEXT-STEP']) expect(json).not.toContain(t);
  });
});

describe('size at the limits', () => {
  const manyNotes = (ch: string) =>
    channel({
      sharedBy: ch.repeat(60),
      acks: Array.from({ length: 25 }, (_, i) => ({ name: `${ch.repeat(60)}${i}`, at: '2020-05-27T10:00:00.000Z' })),
      notes: Array.from({ length: 6 }, () => ({ author: ch.repeat(60), at: '2020-05-27T10:00:00.000Z', text: ch.repeat(1000) })),
    });

  it('when every field is at its limit in plain letters, with many notes and acknowledgements, then the card fits and every route to safety is whole', () => {
    const card = render(atLimits('x'), manyNotes('x'));
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(MAX_CARD_BYTES);
    // Routes to safety are never cut; the practitioner's long analysis gives way first, visibly.
    const text = cardText(card);
    for (const route of summarise(atLimits('x')).safety.routes) expect(text).toContain(route.purpose);
    expect(text).toMatch(/x{300}/);
    expect(text).toContain('shortened to fit Teams');
    expect(cardText(card)).toMatch(/6 supervision notes; the latest one is shown and all are kept/);
    expect(parseProblems(card)).toEqual([]);
  });

  it.each(['語', '😀', '"', '\\'])('when every field is at its limit in %j, then the card still fits, shortening visibly', (ch) => {
    const card = render(atLimits(ch), manyNotes(ch));
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(MAX_CARD_BYTES);
    expect(cardText(card)).toContain('shortened to fit Teams');
    expect(parseProblems(card)).toEqual([]);
  });

  it('when there are no more notes than the card shows, then all are shown with their authors', () => {
    const notes = Array.from({ length: NOTES_SHOWN }, (_, i) => ({ author: `Manager ${i}`, at: '2020-05-27T10:00:00.000Z', text: `Note ${i}` }));
    const text = cardText(render(SALLY, channel({ notes })));
    for (const n of notes) {
      expect(text).toContain(n.author);
      expect(text).toContain(n.text);
    }
  });
});

describe('actions', () => {
  it('when shown to a named supervisor, then Acknowledge and Add a supervision note carry the share id; anyone else gets neither', () => {
    const json = JSON.stringify(render(SALLY, channel({ fullView: true, canSupervise: true })));
    expect(json).toContain(`"verb":"${VERBS.shareAck}","data":{"shareId":"share-1"}`);
    expect(json).toContain(`"verb":"${VERBS.shareNote}","data":{"shareId":"share-1"}`);
    expect(json).not.toContain(VERBS.shareChoose);
    const others = JSON.stringify(render(SALLY, channel()));
    expect(others).not.toContain(VERBS.shareAck);
    expect(others).not.toContain(VERBS.shareNote);
  });

  it('when shown to the practitioner, then Share with my team and Copy for case record carry the assessment id', () => {
    const json = JSON.stringify(render(SALLY));
    expect(json).toContain(`"verb":"${VERBS.shareChoose}","data":{"assessmentId":"${SALLY.id}"}`);
    expect(json).toContain(`"verb":"${VERBS.summaryCopy}","data":{"assessmentId":"${SALLY.id}"}`);
    expect(json).not.toContain(VERBS.shareAck);
  });
});

describe('header and actions', () => {
  it('when the assessment has a date, then the header shows it in UK form', () => {
    const a = completedAssessment({ caseRef: 'D-1', answers: {} });
    const card = render({ ...a, setup: { ...a.setup!, assessedOn: '2026-11-24' } });
    const text = cardText(card);
    expect(text).toContain('assessed on 24 November 2026');
    expect(text).not.toContain('2026-11-24');
  });

  for (const mode of ['preview', 'channel'] as const) {
    it(`when shown as the ${mode}, then exactly one action is the primary (positive) one`, () => {
      const card = render(SALLY, mode === 'preview' ? { kind: 'preview', assessmentId: SALLY.id } : channel({ fullView: true, canSupervise: true })) as {
        actions?: Node[];
      };
      expect(card.actions?.length).toBeGreaterThan(0);
      expect(card.actions!.filter((a) => a.style === 'positive')).toHaveLength(1);
      expect(card.actions![0]!.style).toBe('positive');
    });
  }
});
