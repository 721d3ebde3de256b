import type { IActivity, IMessageActivityInput, InvokeResponse } from '@microsoft/teams.api';
import type { App, IActivityContext } from '@microsoft/teams.apps';
import { z } from 'zod';
import { dispatch } from '../../interactions/dispatch.js';
import { MESSAGES } from '../../interactions/messages.js';
import type { Reply } from '../../interactions/reply.js';
import type { InteractionTable } from '../../interactions/table.js';
import type { Logger } from '../../log.js';
import { cardActionAnswer, messageInvokeBody } from '../card-action-answer.js';
import { TURN_ERROR_MESSAGE } from '../channel-auth.js';
import { commandRouter, guardsThenEvents, turnOf, welcomeOf, type Turn } from '../turn.js';

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

type Context = IActivityContext;

/** A message as removeRecipientMention reads it: its text, who it is to, and its entities. */
const MessageToBot = z.object({
  type: z.literal('message'),
  text: z.string(),
  recipient: z.object({ id: z.string() }),
  entities: z.array(z.unknown()).catch([]),
});
const MentionEntity = z.object({ type: z.literal('mention'), mentioned: z.object({ id: z.string() }), text: z.string() });

/**
 * botbuilder's removeRecipientMention, which the teams-ai host applies to every message: the first
 * mention of the bot itself is taken out of the text, and the rest trimmed.
 */
function withoutRecipientMention(raw: object): object {
  const message = MessageToBot.safeParse(raw);
  if (!message.success) return raw;
  const { text, recipient, entities } = message.data;
  const mention = entities.flatMap((e) => {
    const parsed = MentionEntity.safeParse(e);
    return parsed.success && parsed.data.mentioned.id === recipient.id ? [parsed.data] : [];
  })[0];
  return mention ? { ...raw, text: text.replace(mention.text, '').trim() } : raw;
}

/**
 * Posts one message into the turn's conversation as a reply to the activity (botbuilder's sendActivity
 * sets replyToId the same way); the SDK sends replies to the conversation's activities with replyToId.
 * Ids are encoded into the path, as botbuilder's connector client encodes them. From, recipient and
 * conversation go on the wire as botbuilder's sendActivity fills them (the SDK's own sender adds from
 * and conversation the same way).
 */
async function post(ctx: Context, message: Pick<IMessageActivityInput, 'text' | 'textFormat' | 'attachments'>): Promise<void> {
  const a = ctx.activity;
  const payload: IMessageActivityInput & Pick<IActivity, 'from' | 'conversation'> = {
    type: 'message',
    ...message,
    from: a.recipient,
    recipient: a.from,
    conversation: a.conversation,
  };
  const conversationId = encodeURIComponent(a.conversation.id);
  if (a.id) await ctx.api.conversations.replyToActivity(conversationId, a.id, payload);
  else await ctx.api.conversations.createActivity(conversationId, payload);
}

/** Sends a reply as new messages into the turn's conversation (typed commands, events, guards on messages). */
async function send(ctx: Context, reply: Reply): Promise<void> {
  switch (reply.kind) {
    case 'card':
      await post(ctx, { attachments: [{ contentType: ADAPTIVE_CARD, content: reply.card }] });
      return;
    case 'message':
      await post(ctx, reply.format === 'plain' ? { text: reply.text, textFormat: 'plain' } : { text: reply.text });
      return;
    case 'refusal':
      await send(ctx, reply.card ? { kind: 'card', card: reply.card } : { kind: 'message', text: MESSAGES[reply.key] });
      return;
    case 'many':
      for (const r of reply.replies) await send(ctx, r);
      return;
    case 'invoke':
    case 'none':
      return;
  }
}

/** The invoke answer to a card action, as the teams-ai host gives it: a card that replaces the pressed one, or words. */
async function answer(ctx: Context, reply: Reply): Promise<InvokeResponse> {
  const a = await cardActionAnswer(reply, (r) => send(ctx, r));
  return { status: 200, body: a.kind === 'card' ? { statusCode: 200, type: ADAPTIVE_CARD, value: a.card } : messageInvokeBody(a.text) };
}

/** What a guard's refusal answers: a card action gets the words as its invoke response, anything else a message. */
async function answerGuard(ctx: Context, turn: Turn, reply: Reply): Promise<InvokeResponse | undefined> {
  if (turn.facts.activityType === 'invoke' && reply.kind === 'refusal') {
    return { status: 200, body: messageInvokeBody(MESSAGES[reply.key]) };
  }
  if (turn.facts.activityType === 'invoke' && reply.kind === 'invoke') return { status: reply.status };
  await send(ctx, reply);
  return undefined;
}

/** The action of an adaptiveCard/action invoke: its verb and data, when it is an Action.Execute. */
function executeAction(value: unknown): { verb: string; data: unknown } | undefined {
  const action = (value as { action?: { type?: unknown; verb?: unknown; data?: unknown } } | undefined)?.action;
  if (action?.type !== 'Action.Execute' || typeof action.verb !== 'string') return undefined;
  return { verb: action.verb, data: action.data ?? {} };
}

/**
 * Binds the interaction table to a Teams SDK App as one middleware, in the same order as the teams-ai
 * host (app.ts): guards, then team events, then the welcome when the bot was added, one handler per
 * card verb (Action.Execute, answered in the invoke response), and the typed commands. A turn that
 * throws is answered as the teams-ai host answers it: 500 to an invoke, a kind message otherwise.
 */
export function bindTable(app: App, table: InteractionTable, logger: Logger): void {
  const verbs = new Map<string, (typeof table.entries)[number]>(
    table.entries.flatMap((e) => (e.trigger.kind === 'verb' ? [[e.trigger.verb, e] as const] : [])),
  );
  const commands = commandRouter(table);

  const run = async (ctx: Context, turn: Turn): Promise<InvokeResponse | undefined> => {
    const a = turn.activity;
    const refusal = await guardsThenEvents(table, turn, (reply) => send(ctx, reply));
    if (refusal) return answerGuard(ctx, turn, refusal);
    switch (turn.facts.activityType) {
      case 'conversationUpdate': {
        const welcome = welcomeOf(table, turn);
        if (welcome) await send(ctx, welcome);
        return undefined;
      }
      case 'invoke': {
        const action = a.name === 'adaptiveCard/action' ? executeAction(a.value) : undefined;
        const entry = action ? verbs.get(action.verb) : undefined;
        // Nothing handles it: the teams-ai host (botbuilder) answers 501 too.
        if (!action || !entry) return { status: 501 };
        return answer(ctx, await dispatch(entry, turn.facts, action.data, turn.log));
      }
      case 'message':
        await send(ctx, await commands(turn));
        return undefined;
      default:
        return undefined;
    }
  };

  app.use(async (ctx) => {
    const raw = withoutRecipientMention(ctx.activity);
    const turn = turnOf(raw, logger);
    try {
      const response = await run(ctx, turn);
      // An invoke nobody answered: botbuilder (the teams-ai host) says 501.
      return response ?? (turn.facts.activityType === 'invoke' ? { status: 501 } : undefined);
    } catch (error) {
      logger.error(
        {
          event: 'turn.error',
          errorName: (error as { name?: unknown }).name,
          errorCode: (error as { code?: unknown }).code,
          activityId: turn.facts.activityId,
          activityType: turn.facts.activityType,
          conversationId: turn.facts.conversation.id,
        },
        'Unhandled error in turn',
      );
      if (turn.facts.activityType === 'invoke') return { status: 500 };
      await post(ctx, { text: TURN_ERROR_MESSAGE });
      return undefined;
    }
  });
}
