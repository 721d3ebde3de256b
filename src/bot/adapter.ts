import { TeamsAdapter } from '@microsoft/teams-ai';
import type {
  Activity,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationBotFrameworkAuthenticationOptions,
  InvokeResponse,
  TurnContext,
} from 'botbuilder';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { capConnectorRetries } from './connector-retry-cap.js';

/** A kind message for the practitioner when a turn fails for a reason they cannot fix. */
export const TURN_ERROR_MESSAGE =
  "Sorry, something went wrong on my side and I couldn't finish that. Anything I confirmed as saved is safe. Please try again in a moment; if it keeps happening, tell your Teams administrator.";

/**
 * Builds the CloudAdapter (via teams-ai's TeamsAdapter). Auth is never left to botbuilder's
 * "empty app id means no auth" default: it is off only when config says so explicitly, and
 * config allows that only on a loopback host.
 */
export function createAdapter(config: Pick<Config, 'auth' | 'allowedTenants'>, logger: Logger): TeamsAdapter {
  let adapter: TeamsAdapter;
  if (config.auth.enabled) {
    const a = config.auth;
    if (!a.appId) throw new Error('Bot authentication is enabled but no app id is configured');
    adapter = new GuardedTeamsAdapter(
      {
        MicrosoftAppId: a.appId,
        MicrosoftAppPassword: a.appPassword ?? '',
        MicrosoftAppTenantId: a.appTenantId ?? '',
        MicrosoftAppType: a.appType,
        ...publicCloudChannelAuth(a.openIdMetadataUrl),
      },
      config.allowedTenants,
      logger,
    );
  } else {
    logger.warn({ event: 'auth.disabled' }, 'Bot authentication is OFF (BOT_AUTH=disabled on a loopback host). Local use only.');
    adapter = new GuardedTeamsAdapter({ MicrosoftAppId: '', MicrosoftAppPassword: '' }, config.allowedTenants, logger);
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

/**
 * The public-cloud Bot Framework settings, spelled out. botbuilder switches to a "parameterized"
 * configuration as soon as any one of these is given (e.g. only the OpenID metadata URL), and then
 * leaves the others undefined, which breaks the issuer check; so we always give all of them.
 * Values mirror botframework-connector's AuthenticationConstants.
 */
function publicCloudChannelAuth(openIdMetadataUrl: string | undefined): ConfigurationBotFrameworkAuthenticationOptions {
  return {
    ToBotFromChannelOpenIdMetadataUrl: openIdMetadataUrl ?? 'https://login.botframework.com/v1/.well-known/openidconfiguration',
    ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
    ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
    ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
    ToChannelFromBotOAuthScope: 'https://api.botframework.com',
    OAuthUrl: 'https://api.botframework.com',
    CallerId: 'urn:botframework:azure',
    ValidateAuthority: true,
  };
}

/** The tenant Teams says an activity comes from; both places must agree when both are present. */
export function activityTenant(activity: Partial<Activity>): string | undefined {
  const fromChannelData = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  const fromConversation = activity.conversation?.tenantId;
  const a = typeof fromChannelData === 'string' && fromChannelData ? fromChannelData : undefined;
  const b = typeof fromConversation === 'string' && fromConversation ? fromConversation : undefined;
  if (a && b && a.toLowerCase() !== b.toLowerCase()) return undefined;
  return (a ?? b)?.toLowerCase();
}

/** botframework-connector's ConnectorFactory, which botbuilder does not re-export by name. */
type ConnectorFactory = ReturnType<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>;

/**
 * The CloudAdapter with two gates in front of every turn: authentication failures become a bare
 * 401 (botbuilder would answer with the error message, and with 500 for some token errors), and
 * activities from tenants outside the allow-list get 403. Neither reaches the app's handlers.
 */
class GuardedTeamsAdapter extends TeamsAdapter {
  private readonly allowed: ReadonlySet<string>;

  constructor(
    auth: ConfigurationBotFrameworkAuthenticationOptions,
    allowedTenants: readonly string[],
    private readonly logger: Logger,
  ) {
    super(auth);
    this.allowed = new Set(allowedTenants.map((t) => t.toLowerCase()));
    // Every connector client (replies, proactive turns, new conversations) comes from this factory;
    // TeamsAdapter gives no hook into the client's pipeline, so each one is capped as it is made.
    // Inbound turns use the factory in the authentication result; proactive ones ask for a new one.
    const authentication = this.botFrameworkAuthentication;
    const capped = (factory: ConnectorFactory): ConnectorFactory => ({
      create: async (serviceUrl, audience) => capConnectorRetries(await factory.create(serviceUrl, audience)),
    });
    const createFactory = authentication.createConnectorFactory.bind(authentication);
    authentication.createConnectorFactory = (identity) => capped(createFactory(identity));
    const authenticate = authentication.authenticateRequest.bind(authentication);
    authentication.authenticateRequest = async (activity, authHeader) => {
      const result = await authenticate(activity, authHeader);
      return result.connectorFactory ? { ...result, connectorFactory: capped(result.connectorFactory) } : result;
    };
  }

  protected override async processActivity(
    authHeaderOrResult: string | Parameters<TeamsAdapter['processActivity']>[0],
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    if (typeof authHeaderOrResult !== 'string') return super.processActivity(authHeaderOrResult, activity, logic);
    let authenticated;
    try {
      authenticated = await this.botFrameworkAuthentication.authenticateRequest(activity, authHeaderOrResult);
    } catch (error) {
      // The reason stays in our log as an error name only; the caller learns nothing about the token or keys.
      const e = error as { name?: string; statusCode?: number };
      const upstream = e.name === 'FetchError' || (typeof e.statusCode === 'number' && e.statusCode >= 500);
      this.logger.warn(
        { event: upstream ? 'auth.unavailable' : 'auth.rejected', errorName: e.name, activityType: activity.type, channelId: activity.channelId },
        upstream ? 'Could not load the Bot Framework signing keys' : 'Request rejected: authentication failed',
      );
      return { status: upstream ? 503 : 401 };
    }
    if (this.allowed.size > 0) {
      const tenant = activityTenant(activity);
      if (!tenant || !this.allowed.has(tenant)) {
        this.logger.warn(
          { event: 'tenant.rejected', tenantId: tenant ?? null, activityType: activity.type, conversationId: activity.conversation?.id },
          'Request rejected: tenant not allowed',
        );
        return { status: 403 };
      }
    }
    return super.processActivity(authenticated, activity, logic);
  }
}
