import { activityOf, type Activity } from '../interactions/activity.js';
import { dispatch } from '../interactions/dispatch.js';
import { facts, type Facts } from '../interactions/facts.js';
import type { Reply } from '../interactions/reply.js';
import type { InteractionTable } from '../interactions/table.js';
import type { Logger } from '../log.js';
import { parseCommand } from '../tencs/commands.js';

/**
 * One turn as both hosts route it, with no SDK type: the activity through the SDK-free shape, its facts,
 * and a logger that carries the activity id. Each host hands its SDK's activity in and sends the replies
 * out its own way.
 */
export interface Turn {
  readonly activity: Activity;
  readonly facts: Facts;
  readonly log: Logger;
}

export function turnOf(raw: unknown, logger: Logger): Turn {
  const activity = activityOf(raw);
  const f = facts(activity);
  return { activity, facts: f, log: logger.child({ activityId: f.activityId }) };
}

const memberIds = (list: Activity['membersAdded']) => (list ?? []).flatMap((m) => (m.id ? [m.id] : []));

/**
 * What runs before routing: the guards in order, and when none stops the turn, the team events, each
 * event's reply sent (through `send`) before the next runs. Returns the reply a guard stopped the turn
 * with, for the host to answer as a refusal; undefined when routing goes on.
 */
export async function guardsThenEvents(table: InteractionTable, turn: Turn, send: (reply: Reply) => Promise<void>): Promise<Reply | undefined> {
  const a = turn.activity;
  for (const guard of table.guards) {
    const decision = guard.check(turn.facts, { log: turn.log, activityName: a.name, attachments: a.attachments ?? [] });
    if (decision.stop) return decision.reply;
  }
  for (const event of table.events) {
    const reply = await event.run(turn.facts, {
      log: turn.log,
      membersAdded: memberIds(a.membersAdded),
      membersRemoved: memberIds(a.membersRemoved),
      action: a.action,
      eventType: a.channelData?.eventType,
    });
    await send(reply);
  }
  return undefined;
}

/** The welcome when members were added and the bot itself is one of them (logged as bot.installed); otherwise nothing. */
export function welcomeOf(table: InteractionTable, turn: Turn): Reply | undefined {
  const botId = turn.facts.botId;
  if (!botId || !(turn.activity.membersAdded ?? []).some((m) => m.id === botId)) return undefined;
  turn.log.info({ event: 'bot.installed', conversationType: turn.facts.conversation.type }, 'Bot added');
  return table.welcome(turn.facts);
}

/** Routes typed text: the command's handler, or the table's answer to text it does not know. */
export function commandRouter(table: InteractionTable): (turn: Turn) => Promise<Reply> {
  const commands = new Map<string, InteractionTable['entries'][number]>(
    table.entries.flatMap((e) => (e.trigger.kind === 'command' ? [[e.trigger.command, e] as const] : [])),
  );
  return async (turn) => {
    const parsed = parseCommand(turn.activity.text);
    turn.log.info({ event: 'message.command', command: parsed.kind }, 'Command');
    const entry = commands.get(parsed.kind);
    return entry
      ? dispatch(entry, turn.facts, parsed.arg, turn.log)
      : table.unknown(turn.facts, turn.activity.text, turn.activity.value !== undefined && turn.activity.value !== null);
  };
}
