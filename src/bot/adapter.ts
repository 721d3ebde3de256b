import { TeamsAdapter } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';

/** A kind message for the practitioner when a turn fails for a reason they cannot fix. */
export const TURN_ERROR_MESSAGE =
  "Sorry, something went wrong on my side and I couldn't finish that. Anything I confirmed as saved is safe. Please try again in a moment; if it keeps happening, tell your Teams administrator.";

/**
 * Builds the CloudAdapter (via teams-ai's TeamsAdapter). Auth is never left to botbuilder's
 * "empty app id means no auth" default: it is off only when config says so explicitly, and
 * config allows that only on a loopback host.
 */
export function createAdapter(config: Pick<Config, 'auth'>, logger: Logger): TeamsAdapter {
  let adapter: TeamsAdapter;
  if (config.auth.enabled) {
    const a = config.auth;
    if (!a.appId) throw new Error('Bot authentication is enabled but no app id is configured');
    adapter = new TeamsAdapter({
      MicrosoftAppId: a.appId,
      MicrosoftAppPassword: a.appPassword ?? '',
      MicrosoftAppTenantId: a.appTenantId ?? '',
      MicrosoftAppType: a.appType,
      ...(a.openIdMetadataUrl ? { BotOpenIdMetadata: a.openIdMetadataUrl } : {}),
    });
  } else {
    logger.warn({ event: 'auth.disabled' }, 'Bot authentication is OFF (BOT_AUTH=disabled on a loopback host). Local use only.');
    adapter = new TeamsAdapter({ MicrosoftAppId: '', MicrosoftAppPassword: '' });
  }

  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error(
      {
        event: 'turn.error',
        errorName: error.name,
        errorCode: (error as { code?: unknown }).code,
        activityId: context.activity.id,
        activityType: context.activity.type,
        conversationId: context.activity.conversation?.id,
      },
      'Unhandled error in turn',
    );
    if (context.activity.type === 'invoke') {
      await context.sendActivity({ type: 'invokeResponse', value: { status: 500 } });
      return;
    }
    await context.sendActivity(TURN_ERROR_MESSAGE);
  };
  return adapter;
}
