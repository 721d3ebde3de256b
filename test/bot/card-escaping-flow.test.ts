import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { cardOf, message, newUser, startTestBot, type TestBot, type TurnResult } from '../helpers/bot-harness.js';
import { actionOf, press } from '../helpers/card-driver.js';
import { completeAssessment } from '../helpers/full-assessment.js';
import { HOSTILE_TEXT, isLiteralPlace } from '../helpers/hostile.js';

type Json = Record<string, unknown>;

interface Violation {
  readonly card: string;
  readonly where: string;
  readonly text: string;
}

/**
 * Every place typed text shows up on a card. Typed text may only be a TextRun's text or an Input's
 * value (neither interprets markdown); anything under an action's data goes back to the bot, not on screen.
 */
function placements(card: unknown, cardName: string, marker: RegExp): { violations: Violation[]; shown: string[] } {
  const violations: Violation[] = [];
  const shown: string[] = [];
  const visit = (node: unknown, path: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${path}[${i}]`));
    if (!node || typeof node !== 'object') return;
    const element = node as Json;
    const type = typeof element.type === 'string' ? element.type : '(no type)';
    for (const [key, value] of Object.entries(element)) {
      if (key === 'data' && type.startsWith('Action.')) continue;
      if (typeof value === 'string') {
        if (!marker.test(value)) continue;
        if (isLiteralPlace(element, key)) shown.push(value);
        else violations.push({ card: cardName, where: `${path}.${key} (${type})`, text: value.slice(0, 120) });
      } else {
        visit(value, `${path}.${key}`);
      }
    }
  };
  visit(card, '');
  return { violations, shown };
}

const allCards = (r: TurnResult): Json[] => {
  const fromSent = r.sent.flatMap((a) =>
    ((a.attachments as { contentType: string; content: Json }[] | undefined) ?? []).filter((x) => x.contentType === 'application/vnd.microsoft.card.adaptive').map((x) => x.content),
  );
  const body = r.body as { type?: string; value?: Json } | undefined;
  return body?.type === 'application/vnd.microsoft.card.adaptive' && body.value ? [...fromSent, body.value] : fromSent;
};

describe('typed text renders literally in every card of a real assessment', () => {
  let bot: TestBot;
  const user = newUser();
  const results: [string, TurnResult][] = [];
  let fields = 0;

  beforeAll(async () => {
    bot = await startTestBot();
    // Each field gets the hostile text behind a short numbered tag, so every appearance can be traced.
    const driven = await completeAssessment(bot, user, 'CR-ESC-1', () => `\u00ab${++fields}\u00bb${HOSTILE_TEXT}`);
    driven.results.forEach((r, i) => results.push([`flow step ${i + 1}`, r]));
    const list = await bot.send(message(bot, user, 'my assessments'));
    results.push(['my assessments', list]);
    results.push(['view', await press(bot, user, cardOf(list), VERBS.open, {}, 'View')]);
    results.push(['export', await bot.send(message(bot, user, 'export CR-ESC-1'))]);
    results.push(['audit', await bot.send(message(bot, user, 'audit CR-ESC-1'))]);
    const confirm = await bot.send(message(bot, user, 'delete CR-ESC-1'));
    results.push(['delete confirmation', confirm]);
    expect(actionOf(cardOf(confirm), VERBS.privacyDeleteConfirm).data.assessmentId).toBeTruthy();
  });
  afterAll(async () => {
    await bot.close();
  });

  it('when hostile text was typed into every field, then it appears only in TextRuns and Input values, never in a TextBlock, fact, title or link', () => {
    const violations: Violation[] = [];
    let shownCount = 0;
    for (const [name, result] of results) {
      for (const card of allCards(result)) {
        const found = placements(card, name, /\u00ab\d+\u00bb|evil\.example/);
        violations.push(...found.violations);
        shownCount += found.shown.length;
      }
    }
    expect(violations).toEqual([]);
    // The check saw the text: every field came back somewhere (step cards, review, export).
    expect(shownCount).toBeGreaterThanOrEqual(fields);
  });

  it('when hostile text is shown, then it is shown as typed: no expression evaluated, nothing dropped from the start', () => {
    for (const [name, result] of results) {
      for (const card of allCards(result)) {
        for (const text of placements(card, name, /\u00ab\d+\u00bb/).shown) {
          for (const raw of text.split(/\u00ab\d+\u00bb/).slice(1)) {
            const piece = raw.replace(/(\u2026|\.\.\.)$/, '');
            // Previews may shorten the text (first line, a length cap), but never change what is kept.
            const keep = Math.min(piece.length, HOSTILE_TEXT.indexOf('\n'));
            expect(HOSTILE_TEXT.startsWith(piece.slice(0, keep)), `${name}: ${JSON.stringify(piece)}`).toBe(true);
            expect(keep, `${name}: too little of the typed text survived`).toBeGreaterThan(20);
          }
        }
      }
    }
  });

  it('when the cards are inspected, then no action, image or link points at an address from the typed text', () => {
    for (const [name, result] of results) {
      for (const card of allCards(result)) {
        const json = JSON.stringify(card);
        expect(json.match(/"type":"Action\.OpenUrl"[^}]*evil\.example/), name).toBeNull();
        expect(json.match(/"url":"[^"]*evil\.example/), name).toBeNull();
        expect(json.match(/"type":"Image"/), name).toBeNull();
      }
    }
  });
});
