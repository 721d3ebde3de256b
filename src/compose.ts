import type { Config } from './config.js';
import type { Logger } from './log.js';
import { createBot, type Bot } from './bot/bot.js';
import { createTableFactory, pingTables, type TableFactory } from './storage/tables.js';

/** Everything the running service is made of, built from config; no listening, no timers. */
export interface Dependencies {
  readonly config: Config;
  readonly logger: Logger;
  readonly tables: TableFactory;
  readonly bot: Bot;
  readonly storageHealthy: () => Promise<boolean>;
}

/** The composition root shared by index.ts, the tests and the benchmark. */
export async function buildDependencies(config: Config, logger: Logger): Promise<Dependencies> {
  const tables = await createTableFactory(config);
  const bot = createBot(config, { logger });
  return {
    config,
    logger,
    tables,
    bot,
    storageHealthy: () => pingTables(tables),
  };
}
