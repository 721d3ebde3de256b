import { describe, expect, it } from 'vitest';
import { renderStepCard } from '../../src/cards/assessment-cards.js';
import { consultCData } from '../../src/cards/consult-cards.js';
import { renderCard, templateNames, type AdaptiveCardJson } from '../../src/cards/render.js';
import { renderWelcomeCard } from '../../src/cards/welcome-card.js';
import { COMMANDS, parseCommand, type CommandKind } from '../../src/tencs/commands.js';
import { C_IDS, TEN_CS, getC } from '../../src/tencs/ten-cs.js';
import { CARD_SAMPLES, inProgressAtLimits } from '../helpers/card-samples.js';

type Node = Record<string, unknown>;

/** Every object in a card, with the chain of its ancestors (nearest last). */
function nodes(card: unknown): { node: Node; ancestors: Node[] }[] {
  const out: { node: Node; ancestors: Node[] }[] = [];
  const walk = (n: unknown, ancestors: Node[]): void => {
    if (Array.isArray(n)) return n.forEach((x) => walk(x, ancestors));
    if (n && typeof n === 'object') {
      const r = n as Node;
      out.push({ node: r, ancestors });
      for (const v of Object.values(r)) walk(v, [...ancestors, r]);
    }
  };
  walk(card, []);
  return out;
}

const inputs = (card: unknown) =>
  nodes(card)
    .filter(({ node }) => typeof node.type === 'string' && node.type.startsWith('Input.'))
    .map(({ node }) => node);
const actionLists = (card: unknown) =>
  nodes(card)
    .filter(({ node }) => Array.isArray(node.actions))
    .map(({ node }) => node.actions as Node[]);

/** The templates this review owns: the assessment flow, the consultation and the welcome. */
const FLOW_AND_CONSULT = templateNames().filter((n) => !/^(summary|share-|privacy-)/.test(n));

const allSamples = (): [string, AdaptiveCardJson][] =>
  templateNames().flatMap((name) => (CARD_SAMPLES[name]?.() ?? []).map((card): [string, AdaptiveCardJson] => [name, card]));

describe('cards people can use with a screen reader, on a phone and without colour', () => {
  it('when any card is rendered, then every input has its own visible label, unique on that card', () => {
    const problems: string[] = [];
    for (const [name, card] of allSamples()) {
      const labels = inputs(card).map((i) => (typeof i.label === 'string' ? i.label.trim() : ''));
      for (const [i, label] of labels.entries()) if (!label) problems.push(`${name}: input ${String(inputs(card)[i]!.id)} has no label`);
      const seen = labels.filter((l, i) => l && labels.indexOf(l) !== i);
      if (seen.length > 0) problems.push(`${name}: repeated labels ${[...new Set(seen)].join(', ')}`);
    }
    expect(problems).toEqual([]);
  });

  it('when an input is required, then it says what to do in its own error message', () => {
    const problems: string[] = [];
    let required = 0;
    for (const [name, card] of allSamples()) {
      for (const input of inputs(card).filter((i) => i.isRequired === true)) {
        required += 1;
        if (typeof input.errorMessage !== 'string' || input.errorMessage.trim().length < 10)
          problems.push(`${name}: ${String(input.id)} is required with no error message`);
      }
    }
    expect(problems).toEqual([]);
    // The setup card's case reference, age band, participants and date are required: the check above has something to check.
    expect(required).toBeGreaterThanOrEqual(4);
  });

  it('when a card has actions, then at most one of them is the primary (positive) action', () => {
    const problems = allSamples().flatMap(([name, card]) =>
      actionLists(card)
        .filter((list) => list.filter((a) => a.style === 'positive').length > 1)
        .map(() => `${name}: more than one positive action`),
    );
    expect(problems).toEqual([]);
  });

  it('when a step card of the assessment is shown, then its primary action is the first button', () => {
    for (const step of ['setup', ...C_IDS] as const) {
      const a = inProgressAtLimits(step);
      const card = renderStepCard({ ref: { assessmentId: a.id, rev: a.rev, step, mode: 'flow' }, assessment: a });
      const actions = card.actions as Node[];
      expect(actions[0]!.style, step).toBe('positive');
    }
  });

  it('when a flow or consultation card is rendered, then no button title is too long for a phone (Teams cuts titles off instead of wrapping)', () => {
    const long = allSamples()
      .filter(([name]) => FLOW_AND_CONSULT.includes(name))
      .flatMap(([name, card]) =>
        nodes(card)
          .map(({ node }) => node)
          .filter((n) => typeof n.type === 'string' && n.type.startsWith('Action.') && typeof n.title === 'string' && [...n.title].length > 28)
          .map((n) => `${name}: "${String(n.title)}"`),
      );
    expect([...new Set(long)]).toEqual([]);
  });

  it('when a TextBlock is rendered, then it never starts like a numbered markdown list ("5. Contact" renders as an indented list item)', () => {
    const lists = allSamples().flatMap(([name, card]) =>
      nodes(card)
        .map(({ node }) => node)
        .filter((n) => n.type === 'TextBlock' && typeof n.text === 'string' && /^\s*\d+\.\s/.test(n.text))
        .map((n) => `${name}: "${String(n.text).slice(0, 40)}"`),
    );
    expect(lists).toEqual([]);
  });

  it('when a flow or consultation card uses colour on text, then never the light Good or Warning colours, which are too faint on white', () => {
    const faint = allSamples()
      .filter(([name]) => FLOW_AND_CONSULT.includes(name))
      .flatMap(([name, card]) =>
        nodes(card)
          .map(({ node }) => node)
          .filter((n) => typeof n.color === 'string' && ['good', 'warning'].includes(n.color.toLowerCase()))
          .map((n) => `${name}: ${String(n.color)} on "${String(n.text ?? '').slice(0, 40)}"`),
      );
    expect(faint).toEqual([]);
  });
});

describe("the C cards show where they are and the guide's cautions where they matter", () => {
  for (const c of TEN_CS) {
    it(`when C${c.number} ${c.shortTitle} is shown, then it reads "C ${c.number} of 10", names the C and the case reference${c.caution ? ', and shows its caution outside the collapsed guide' : ''}`, () => {
      const a = inProgressAtLimits(c.id);
      const card = renderStepCard({ ref: { assessmentId: a.id, rev: a.rev, step: c.id, mode: 'flow' }, assessment: a });
      const all = nodes(card);
      const texts = all
        .map(({ node }) => node)
        .filter((n) => n.type === 'TextBlock')
        .map((n) => n.text);
      expect(texts).toContain(`C ${c.number} of 10`);
      expect(texts).toContain(c.title);
      const runs = all
        .map(({ node }) => node)
        .filter((n) => n.type === 'TextRun')
        .map((n) => n.text);
      expect(runs).toContain(a.setup!.caseRef);
      if (c.caution) {
        const caution = all.find(({ node }) => node.type === 'TextRun' && node.text === c.caution);
        expect(caution).toBeDefined();
        expect(caution!.ancestors.some((n) => n.id === 'guide' || n.isVisible === false)).toBe(false);
      }
      // The guide itself starts collapsed, and the buttons that open and close it both exist.
      const guide = all.find(({ node }) => node.id === 'guide')!.node;
      expect(guide.isVisible).toBe(false);
      const toggles = all
        .map(({ node }) => node)
        .filter((n) => n.type === 'Action.ToggleVisibility')
        .map((n) => n.title);
      expect(toggles).toEqual(['Show the guide for this C', 'Hide the guide']);
    });
  }

  it('when the Cs where indecent images are most likely to come up are shown, then each carries the caution about images', () => {
    for (const id of ['confidentiality', 'content', 'conduct', 'commercial'] as const)
      expect(getC(id).caution, id).toMatch(/indecent image of a child is a criminal offence/);
  });

  it('when a C with a caution is consulted, then the consultation card shows the same caution', () => {
    for (const c of TEN_CS.filter((x) => x.caution)) {
      const runs = nodes(renderCard('consult-c', consultCData(c)))
        .map(({ node }) => node)
        .filter((n) => n.type === 'TextRun')
        .map((n) => n.text);
      expect(runs, c.id).toContain(c.caution);
    }
  });

  it('when the setup card is shown, then it explains the two judgements once and says they are never added into a score', () => {
    const a = inProgressAtLimits('setup');
    const card = renderStepCard({ ref: { assessmentId: a.id, rev: a.rev, step: 'setup', mode: 'flow' }, assessment: a });
    const text = nodes(card)
      .map(({ node }) => node)
      .filter((n) => n.type === 'TextBlock' || n.type === 'TextRun')
      .map((n) => n.text)
      .join('\n');
    expect(text).toMatch(/Risk of harm: \nhow much harm/);
    expect(text).toMatch(/Resilience: \nhow well the young person/);
    expect(text).toMatch(/never added together into a score/);
    expect(text).toMatch(/never the young person's or anyone's name/);
  });
});

describe('the help card', () => {
  /** What a practitioner types for each command, as the help card shows it. */
  const TYPED: Readonly<Record<CommandKind, string>> = {
    start: 'start',
    resume: 'resume',
    list: 'my assessments',
    help: 'help',
    consult: 'consult',
    cautions: 'cautions',
    'practice-example': 'practice example',
    changes: 'changes',
    standards: 'standards',
    delete: 'delete CR-1234',
    export: 'export CR-1234',
    audit: 'audit CR-1234',
    reassess: 'reassess CR-1234',
    compare: 'compare CR-1234',
    'hand-over': 'hand over CR-1234',
    reassign: 'reassign CR-1234',
    reminders: 'reminders off',
  };

  it('when help is shown, then it lists every command the bot understands, each as typed', () => {
    const facts = nodes(renderWelcomeCard({ retentionDays: 90, auditRetentionDays: 800, caseRetentionDays: 396 }, { personal: true }))
      .map(({ node }) => node)
      .filter((n) => n.type === 'FactSet')
      .flatMap((n) => (n.facts as { title: string }[]).map((f) => f.title));
    for (const kind of COMMANDS) {
      expect(facts, kind).toContain(TYPED[kind]);
      expect(parseCommand(TYPED[kind]).kind, TYPED[kind]).toBe(kind);
    }
  });

  it("when help is shown, then it states this deployment's retention periods, not fixed numbers", () => {
    const text = JSON.stringify(renderWelcomeCard({ retentionDays: 30, auditRetentionDays: 400, caseRetentionDays: 250 }, { personal: true }));
    expect(text).toContain('has not changed for 30 days');
    expect(text).toContain('no activity for 250 days');
    expect(text).toContain('is kept for 400 days');
    expect(text).toMatch(/store nothing/);
    expect(text).toMatch(/council's own Azure storage/);
  });
});
