import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { createAdapter } from './adapter.js';
import { createApp, type BotDeps } from './app.js';

/** The bot as the HTTP server sees it: one function per incoming request. */
export interface Bot {
  process(req: unknown, res: unknown): Promise<void>;
}

/** Wires the adapter and the application; the only way the rest of the code reaches the SDK. */
export function createBot(config: Pick<Config, 'auth' | 'allowedTenants' | 'serviceUrls'>, deps: BotDeps & { logger: Logger }): Bot {
  const adapter = createAdapter(config, deps.logger);
  const app = createApp(adapter, deps);
  return {
    async process(req, res) {
      await adapter.process(req as never, res as never, async (context) => {
        await app.run(context);
      });
    },
  };
}
