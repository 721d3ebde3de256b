import type { Config } from '../config.js';
import type { InteractionTable } from '../interactions/table.js';
import type { Logger } from '../log.js';
import type { ChannelPort } from '../tencs/share-service.js';
import { createAdapter } from './adapter.js';
import { createBot } from './bot.js';
import { createChannelPort } from './channel-port.js';
import { createPersonalPort } from './personal-port.js';
import type { PersonalPort } from './personal-port-type.js';
import type { AdaptiveCardJson } from '../cards/render.js';
import type { PersonalChatDirectory, PersonalMessage } from '../tencs/cycle/cycle-service.js';

/** The bot as the HTTP server sees it: one function per incoming request (body already read by src/server.ts). */
export interface Bot {
  process(req: unknown, res: unknown): Promise<void>;
}

/**
 * One binding of the interaction table to a Teams SDK: its connector (the channel port the domain
 * uses for proactive posts, card replacement and membership checks) exists first, because the domain
 * services need it; the table is bound once they exist.
 */
export interface BotHost {
  readonly name: Config['botHost'];
  readonly port: ChannelPort;
  /** The personal-chat port (reminders, hand-over offers, retention warnings) over this host's connector. */
  personal(directory: PersonalChatDirectory, render: (m: PersonalMessage) => AdaptiveCardJson): PersonalPort;
  bind(table: InteractionTable): Bot;
}

/** The botbuilder CloudAdapter + teams-ai Application host (the owner's choice, the default). */
function createTeamsAiHost(config: Config, logger: Logger): BotHost {
  const adapter = createAdapter(config, logger);
  return {
    name: 'teams-ai',
    port: createChannelPort(adapter, config.auth.enabled ? config.auth.appId : ''),
    personal: (directory, render) => createPersonalPort(adapter, config.auth.enabled ? config.auth.appId : '', directory, render, logger),
    bind: (table) => createBot(adapter, table, logger),
  };
}

/**
 * The host config.botHost names: `teams-ai` (botbuilder + teams-ai) or `teams-sdk` (@microsoft/teams.apps).
 * The Teams SDK is imported only when chosen: loading it in a teams-ai process added its packages' code
 * (a second MSAL, axios, the teams.* SDK), about 10 MB, to the live heap under the 192 MB cap.
 */
export async function createHost(config: Config, logger: Logger): Promise<BotHost> {
  if (config.botHost !== 'teams-sdk') return createTeamsAiHost(config, logger);
  const { createTeamsSdkHost } = await import('./teams-sdk/host.js');
  return createTeamsSdkHost(config, logger);
}
