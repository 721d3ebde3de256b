import type { Application, TurnState } from '@microsoft/teams-ai';
import { parseCommand } from '../../tencs/commands.js';
import type { BotDeps } from '../app.js';
import type { CommandTable } from '../commands.js';

/** A short, kind pointer to the commands for anything we do not understand. */
export const UNKNOWN_MESSAGE =
  "I didn't recognise that. Type **start** to begin an assessment, **resume** to carry on, **my assessments** to see your list, **consult** for the guide's questions on any C, or **help** for everything I can do.";

/** The single message route: parse the command, dispatch to the handler a feature registered. */
export function registerMessages(app: Application<TurnState>, deps: BotDeps, commands: CommandTable): void {
  app.activity('message', async (context) => {
    const parsed = parseCommand(context.activity.text);
    deps.logger.info({ event: 'message.command', command: parsed.kind, activityId: context.activity.id }, 'Command');
    const handler = parsed.kind === 'unknown' ? undefined : commands[parsed.kind];
    if (handler) {
      await handler(context, parsed.arg);
      return;
    }
    if (!context.activity.text?.trim() && !context.activity.value) {
      await commands.help?.(context, '');
      return;
    }
    await context.sendActivity(UNKNOWN_MESSAGE);
  });
}
