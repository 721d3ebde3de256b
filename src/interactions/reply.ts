import type { AdaptiveCardJson } from '../cards/render.js';
import type { MessageKey } from './messages.js';

/** A new card, or (answering a card action) the card that replaces the one pressed. */
export interface CardReply {
  readonly kind: 'card';
  readonly card: AdaptiveCardJson;
}

/** A text message; 'plain' means Teams shows exactly these characters and makes nothing a link. */
export interface MessageReply {
  readonly kind: 'message';
  readonly text: string;
  readonly format?: 'plain';
}

/** A refusal: the catalogue key says why (for tests and logs), and it is shown as a card or as words. */
export interface RefusalReply {
  readonly kind: 'refusal';
  readonly key: MessageKey;
  readonly card?: AdaptiveCardJson;
}

/** A bare invoke answer (for example 429 to a throttled invoke that is not a card action). */
export interface InvokeReply {
  readonly kind: 'invoke';
  readonly status: number;
}

/** Several replies in order: for a card action, all but the last are sent and the last answers it. */
export interface ManyReply {
  readonly kind: 'many';
  readonly replies: readonly Reply[];
}

/** Nothing to say (an event handled silently, a flood not answered twice). */
export interface NoReply {
  readonly kind: 'none';
}

export type Reply = CardReply | MessageReply | RefusalReply | InvokeReply | ManyReply | NoReply;

export const card = (c: AdaptiveCardJson): CardReply => ({ kind: 'card', card: c });
export const message = (text: string, format?: 'plain'): MessageReply => (format ? { kind: 'message', text, format } : { kind: 'message', text });
export const many = (...replies: Reply[]): ManyReply => ({ kind: 'many', replies });
export const none: NoReply = { kind: 'none' };
