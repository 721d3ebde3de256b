import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { randomUUID } from 'node:crypto';
import { shareIdFor } from '../../src/tencs/sharing.js';
import { cardOf, execute, message, newUser, startTestBot, type TestBot, type TurnResult } from '../helpers/bot-harness.js';
import { channelExecute } from '../helpers/channel.js';
import { actionOf, press } from '../helpers/card-driver.js';
import { completeAssessment } from '../helpers/full-assessment.js';
import { HOSTILE_TEXT, isLiteralPlace } from '../helpers/hostile.js';
import { isChannelPost } from '../helpers/connector.js';

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
    ((a.attachments as { contentType: string; content: Json }[] | undefined) ?? [])
      .filter((x) => x.contentType === 'application/vnd.microsoft.card.adaptive')
      .map((x) => x.content),
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
    const assessmentId = String(actionOf(cardOf(confirm), VERBS.privacyDeleteConfirm).data.assessmentId);

    // Shared to a team, where a manager (whose display name is hostile too) acknowledges and writes a note.
    const channelId = `19:${randomUUID().replace(/-/g, '')}@thread.tacv2`;
    const manager = newUser(`\u00ab${++fields}\u00bb${HOSTILE_TEXT}`);
    bot.connector.members(channelId, [user.id, manager.id]);
    await bot.send({
      ...message(bot, manager, ''),
      type: 'conversationUpdate',
      text: undefined,
      conversation: { id: channelId, conversationType: 'channel', isGroup: true, tenantId: user.tenantId },
      channelData: { eventType: 'teamMemberAdded', team: { id: channelId, name: 'Escaping team' }, tenant: { id: user.tenantId } },
      membersAdded: [{ id: '28:tencs-bot' }],
    });
    results.push(['summary view', await bot.send(execute(bot, user, VERBS.summaryView, { assessmentId }))]);
    results.push(['share choose', await bot.send(execute(bot, user, VERBS.shareChoose, { assessmentId }))]);
    const before = bot.connector.calls.length;
    results.push(['share post', await bot.send(execute(bot, user, VERBS.sharePost, { assessmentId, teamId: channelId, supervisors: manager.aadObjectId }))]);
    const share = (await bot.deps.shares.get(user.tenantId, shareIdFor(user.tenantId, assessmentId, channelId)))!.share;
    const thread = { teamId: channelId, channelId, rootMessageId: share.activityId!, conversationId: share.conversationId! };
    results.push(['acknowledge', await bot.send(channelExecute(bot, manager, thread, VERBS.shareAck, { shareId: share.id }))]);
    results.push([
      'note',
      await bot.send(channelExecute(bot, manager, thread, VERBS.shareNote, { shareId: share.id, note: `\u00ab${++fields}\u00bb${HOSTILE_TEXT}` })),
    ]);
    // What the channel itself received: the posted card and its in-place updates.
    const channelCards = bot.connector.calls.slice(before).filter((c) => c.method === 'PUT' || isChannelPost(c));
    expect(channelCards.length).toBeGreaterThanOrEqual(3);
    for (const call of channelCards)
      results.push([`channel ${call.method}`, { status: 200, body: undefined, sent: [(call.body.activity ?? call.body) as Record<string, unknown>] }]);
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
            // A preview ends at its ellipsis; what follows it is the card's own words.
            const piece = raw.split('\u2026')[0]!;
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
        expect(/"type":"Action\.OpenUrl"[^}]*evil\.example/.exec(json), name).toBeNull();
        expect(/"url":"[^"]*evil\.example/.exec(json), name).toBeNull();
        expect(/"type":"Image"/.exec(json), name).toBeNull();
      }
    }
  });
});
