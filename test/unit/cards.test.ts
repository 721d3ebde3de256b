import * as ACns from 'adaptivecards';
import { describe, expect, it } from 'vitest';
import { renderOutcome, renderStepCard } from '../../src/cards/assessment-cards.js';
import { MAX_CARD_BYTES, templateNames, type AdaptiveCardJson } from '../../src/cards/render.js';
import { LIMITS } from '../../src/tencs/assessment.js';
import { checkForm, fieldsFor, formFromAssessment, type FormStep, type FormValues } from '../../src/tencs/step-forms.js';
import { CARD_SAMPLES, inProgressAtLimits } from '../helpers/card-samples.js';

// adaptivecards is CommonJS: depending on the loader its exports sit on the namespace or on its default.
const AC = ACns.AdaptiveCard ? ACns : (ACns as unknown as { default: typeof ACns }).default;

/** Everything the Adaptive Cards SDK reports when it reads the card as a 1.5 card, plus our own structural checks. */
function problems(card: AdaptiveCardJson): string[] {
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(new AC.Version(1, 5));
  parsed.parse(card, context);
  const out = Array.from({ length: context.eventCount }, (_, i) => `parse: ${context.getEventAt(i).message}`)
    // Teams' people picker (Input.ChoiceSet "choices.data", Data.Query) is a Teams extension the SDK dates to 1.6;
    // Teams renders it in 1.5 cards, and the static choices beside it work in any client.
    .filter((m) => m !== 'parse: Property "choices.data" is supported in version 1.6, but you are using version 1.5.');
  out.push(...parsed.validateProperties().validationEvents.map((e) => `validate: ${e.message}`));
  // Teams' people picker: an Input.ChoiceSet whose choices come from "choices.data" (Data.Query over
  // graph.microsoft.com/users) is a Teams extension the SDK's 1.5 reader does not know. Only those two
  // messages are forgiven, and only on a card that carries exactly that query.
  if (JSON.stringify(card).includes('"choices.data":{"type":"Data.Query","dataset":"graph.microsoft.com/users"}')) {
    const forgiven = [
      'parse: Property "choices.data" is supported in version 1.6, but you are using version 1.5.',
      'validate: An Input.ChoiceSet must have at least one choice defined.',
    ];
    for (let i = out.length - 1; i >= 0; i--) if (forgiven.includes(out[i]!)) out.splice(i, 1);
  }
  if (card.version !== '1.5') out.push(`version is ${card.version}`);
  const json = JSON.stringify(card);
  if (json.includes('${')) out.push('an unexpanded ${...} binding is left');
  const ids = new Set<string>();
  const targets: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (n && typeof n === 'object') {
      const r = n as Record<string, unknown>;
      if (typeof r.id === 'string') ids.add(r.id);
      if (r.type === 'Action.ToggleVisibility') targets.push(...((r.targetElements as string[]) ?? []));
      Object.values(r).forEach(walk);
    }
  };
  walk(card);
  for (const t of targets) if (!ids.has(t)) out.push(`ToggleVisibility targets missing element ${t}`);
  return out;
}

const bytes = (card: object) => Buffer.byteLength(JSON.stringify(card), 'utf8');

describe('every card template', () => {
  it('when the templates in cards/ are listed, then each has sample data here', () => {
    expect(templateNames().filter((name) => !CARD_SAMPLES[name])).toEqual([]);
  });

  for (const name of templateNames()) {
    it(`when ${name} is expanded with sample data at the limits, then the SDK reads it as 1.5 without errors and it stays under 28 KB`, () => {
      const sample = CARD_SAMPLES[name];
      expect(sample, `no sample data for cards/${name}.json in test/helpers/card-samples.ts`).toBeDefined();
      const cards = sample!();
      expect(cards.length).toBeGreaterThan(0);
      for (const card of cards) {
        expect(problems(card)).toEqual([]);
        expect(bytes(card)).toBeLessThan(28 * 1024);
      }
    });
  }

  it('when a card is broken, then the checks notice (a control for the checks above)', () => {
    const broken = {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [{ type: 'Input.Text', id: 'a' }, { type: 'Input.Text', id: 'a' }, { type: 'Bogus' }, { type: 'TextBlock', text: '${x}' }],
      actions: [{ type: 'Action.ToggleVisibility', title: 't', targetElements: ['nowhere'] }],
    } as AdaptiveCardJson;
    const found = problems(broken).join('\n');
    expect(found).toMatch(/Duplicate Id/);
    expect(found).toMatch(/Unknown element type "Bogus"/);
    expect(found).toMatch(/unexpanded/);
    expect(found).toMatch(/missing element nowhere/);
  });
});

/** A form whose free text adds up to `total` bytes of 3-byte characters, spread over the step's text fields. */
function multiByteForm(step: FormStep, total: number): FormValues {
  const form = formFromAssessment(inProgressAtLimits(step), step);
  // The case reference is letters, digits and dashes only, so it never carries multi-byte text.
  const texts = fieldsFor(step).filter((f) => f.kind === 'text' && f.id !== 'caseRef');
  let left = Math.floor(total / 3);
  for (const f of texts) {
    const n = Math.min(left, f.max ?? 0);
    form[f.id] = '€'.repeat(n);
    left -= n;
  }
  return form;
}

describe('cards with multi-byte text', () => {
  const steps: FormStep[] = ['setup', 'confidentiality', 'compatibility', 'composite'];
  for (const step of steps) {
    it(`when ${step} text is at the card budget in 3-byte characters, then the form is accepted and its card and conflict card fit`, () => {
      const form = multiByteForm(step, LIMITS.cardTextBytes);
      expect(Object.values(form).join('')).toContain('€');
      expect(checkForm(step, form)).toMatchObject({ ok: true });
      const a = inProgressAtLimits(step);
      const card = renderStepCard({ ref: { assessmentId: a.id, rev: 1, step, mode: 'flow' }, assessment: a, form });
      expect(bytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
      const conflict = renderOutcome({ kind: 'conflict', assessment: a, step, mode: 'flow', action: 'next', mine: form });
      expect(bytes(conflict)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    });
  }

  it('when C text is over the card budget in 3-byte characters, then the form is refused with a message to shorten, not cut', () => {
    const form = multiByteForm('composite', LIMITS.cardTextBytes + 30);
    const check = checkForm('composite', form);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.errors.join(' ')).toMatch(/too long for Teams to show on one card.*shorten/);
  });
});
