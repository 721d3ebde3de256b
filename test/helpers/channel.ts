import { randomInt, randomUUID } from 'node:crypto';
import { execute, message, type TestBot, type TestUser } from './bot-harness.js';

/** A team channel thread as Teams addresses it: the conversation id names the thread's root message. */
export interface TestChannel {
  readonly teamId: string;
  readonly channelId: string;
  readonly rootMessageId: string;
  /** `${channelId};messageid=${rootMessageId}`: replies sent here land in the thread. */
  readonly conversationId: string;
}

/** The bot as Teams mentions it in a channel. */
export const BOT_MENTION = { id: '28:tencs-bot', name: 'tencs' } as const;

/** A fresh channel with one thread. */
export function newChannel(): TestChannel {
  const channelId = `19:${randomUUID().replace(/-/g, '')}@thread.tacv2`;
  const rootMessageId = String(1_700_000_000_000 + randomInt(1_000_000_000));
  return { teamId: channelId, channelId, rootMessageId, conversationId: `${channelId};messageid=${rootMessageId}` };
}

function channelFields(user: TestUser, channel: TestChannel): Record<string, unknown> {
  return {
    conversation: { id: channel.conversationId, conversationType: 'channel', isGroup: true, tenantId: user.tenantId },
    channelData: {
      tenant: { id: user.tenantId },
      team: { id: channel.teamId },
      channel: { id: channel.channelId },
    },
  };
}

/** A channel message that @mentions the bot, as Teams sends it: "<at>tencs</at> " before the text, plus a mention entity. */
export function channelMessage(bot: Pick<TestBot, 'connector'>, user: TestUser, channel: TestChannel, text: string): Record<string, unknown> {
  const mentionText = `<at>${BOT_MENTION.name}</at>`;
  return {
    ...message(bot, user, `${mentionText} ${text}`),
    ...channelFields(user, channel),
    entities: [{ type: 'mention', mentioned: { ...BOT_MENTION }, text: mentionText }],
  };
}

/** An Action.Execute pressed on a card the bot posted in a channel thread. */
export function channelExecute(bot: Pick<TestBot, 'connector'>, user: TestUser, channel: TestChannel, verb: string, data: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...execute(bot, user, verb, data), ...channelFields(user, channel) };
}
