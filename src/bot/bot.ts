import type { TeamsAdapter } from '@microsoft/teams-ai';
import type { Request, Response } from 'botbuilder';
import type { InteractionTable } from '../interactions/table.js';
import type { Logger } from '../log.js';
import { createApp } from './app.js';

/** The bot as the HTTP server sees it: one function per incoming request. */
export interface Bot {
  process(req: Request, res: Response): Promise<void>;
}

/** Binds the interaction table to the adapter; the only way the rest of the code reaches the SDK. */
export function createBot(adapter: TeamsAdapter, table: InteractionTable, logger: Logger): Bot {
  const app = createApp(adapter, table, logger);
  return {
    async process(req, res) {
      await adapter.process(req, res, async (context) => {
        await app.run(context);
      });
    },
  };
}
