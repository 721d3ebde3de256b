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
export function channelExecute(
  bot: Pick<TestBot, 'connector'>,
  user: TestUser,
  channel: TestChannel,
  verb: string,
  data: Record<string, unknown> = {},
): Record<string, unknown> {
  return { ...execute(bot, user, verb, data), ...channelFields(user, channel) };
}

/** A team the bot can be added to; its General channel's id is the team id, as in Teams. */
export interface TestTeam {
  readonly teamId: string;
  readonly channelId: string;
  readonly name: string;
}

/** A new team with a unique id. */
export function newTeam(name = 'Children in Need East'): TestTeam {
  const id = `19:${randomUUID().replace(/-/g, '')}@thread.tacv2`;
  return { teamId: id, channelId: id, name };
}

/** Teams telling the bot it was added to (or removed from) a team, in the team's General channel. */
export function teamUpdate(bot: Pick<TestBot, 'connector'>, by: TestUser, team: TestTeam, change: 'added' | 'removed'): Record<string, unknown> {
  return {
    id: randomUUID(),
    type: 'conversationUpdate',
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: bot.connector.url,
    from: { id: by.id, aadObjectId: by.aadObjectId, name: by.name },
    recipient: BOT_MENTION,
    conversation: { id: team.channelId, conversationType: 'channel', isGroup: true, tenantId: by.tenantId },
    channelData: {
      eventType: change === 'added' ? 'teamMemberAdded' : 'teamMemberRemoved',
      team: { id: team.teamId, name: team.name },
      tenant: { id: by.tenantId },
    },
    ...(change === 'added' ? { membersAdded: [{ id: BOT_MENTION.id }] } : { membersRemoved: [{ id: BOT_MENTION.id }] }),
  };
}
