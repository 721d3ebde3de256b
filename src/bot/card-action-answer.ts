import type { AdaptiveCardJson } from '../cards/render.js';
import { MESSAGES } from '../interactions/messages.js';
import type { Reply } from '../interactions/reply.js';

/** The content type of an invoke answer that is words, not a card. */
export const ACTIVITY_MESSAGE = 'application/vnd.microsoft.activity.message';

/** What a card action (Action.Execute) is answered with, the same on both hosts: the card that replaces the pressed one, or words. */
export type CardActionAnswer = { readonly kind: 'card'; readonly card: AdaptiveCardJson } | { readonly kind: 'message'; readonly text: string };

/**
 * The card an Action.Execute answers with is that person's own view. teams-ai replaces the message for
 * EVERYONE (updateActivity) when the answer carries `refresh`, which would put a supervisor's full summary
 * into the channel's history; so the answer goes without it, and only to the person who acted.
 */
export function forInteractor(card: AdaptiveCardJson): AdaptiveCardJson {
  const { refresh: _refresh, ...rest } = card;
  return rest;
}

/**
 * Turns a reply into the answer to a card action. In a `many`, every reply before the last is sent first
 * (through `sendFirst`, the host's way of posting a message) and the last one answers.
 */
export async function cardActionAnswer(reply: Reply, sendFirst: (reply: Reply) => Promise<void>): Promise<CardActionAnswer> {
  switch (reply.kind) {
    case 'card':
      return { kind: 'card', card: forInteractor(reply.card) };
    case 'message':
      return { kind: 'message', text: reply.text };
    case 'refusal':
      return reply.card ? { kind: 'card', card: forInteractor(reply.card) } : { kind: 'message', text: MESSAGES[reply.key] };
    case 'many': {
      const last = reply.replies.at(-1);
      for (const r of reply.replies.slice(0, -1)) await sendFirst(r);
      return last ? cardActionAnswer(last, sendFirst) : { kind: 'message', text: '' };
    }
    case 'invoke':
    case 'none':
      throw new Error(`A card action cannot be answered with "${reply.kind}"`);
  }
}

/** The invoke response body that answers a card action with words (a message reply, or a guard's refusal). */
export const messageInvokeBody = (text: string) => ({ statusCode: 200, type: ACTIVITY_MESSAGE, value: text }) as const;
