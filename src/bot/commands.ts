import type { TurnContext } from 'botbuilder';
import type { CommandKind } from '../tencs/commands.js';

/** Answers one typed command; `arg` is whatever followed the command word. */
export type CommandHandler = (context: TurnContext, arg: string) => Promise<void>;

/** Feature modules fill this in; the message route dispatches to it. */
export type CommandTable = Partial<Record<CommandKind, CommandHandler>>;
