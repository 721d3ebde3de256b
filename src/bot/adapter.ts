import { TeamsAdapter } from '@microsoft/teams-ai';
import type {
  Activity,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationBotFrameworkAuthenticationOptions,
  InvokeResponse,
  TurnContext,
} from 'botbuilder';
import type { Config } from '../config.js';
import { safeError, safeLogId, type Logger } from '../log.js';
import { capConnectorRetries } from './connector-retry-cap.js';
import {
  activityTenant,
  CHANNEL_OPENID_METADATA_URL,
  channelTokenProblem,
  serviceUrlAllowed,
  tenantAllowed,
  TURN_ERROR_MESSAGE,
  verifiedClaimsAcceptable,
} from './channel-auth.js';

export { activityTenant, serviceUrlAllowed, TURN_ERROR_MESSAGE } from './channel-auth.js';

/**
 * Builds the CloudAdapter (via teams-ai's TeamsAdapter). Auth is never left to botbuilder's
 * "empty app id means no auth" default: it is off only when config says so explicitly, and
 * config allows that only on a loopback host.
 */
export function createAdapter(config: Pick<Config, 'auth' | 'allowedTenants' | 'serviceUrls'>, logger: Logger): TeamsAdapter {
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
      { serviceUrls: config.serviceUrls, appId: a.appId },
    );
  } else {
    logger.warn({ event: 'auth.disabled' }, 'Bot authentication is OFF (BOT_AUTH=disabled on a loopback host). Local use only.');
    adapter = new GuardedTeamsAdapter({ MicrosoftAppId: '', MicrosoftAppPassword: '' }, config.allowedTenants, logger, {
      serviceUrls: config.serviceUrls,
      appId: undefined,
    });
  }

  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error(
      {
        event: 'turn.error',
        errorName: error.name,
        errorCode: (error as { code?: unknown }).code,
        activityId: context.activity.id,
        activityType: context.activity.type,
        conversationId: context.activity.conversation.id,
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
    ToBotFromChannelOpenIdMetadataUrl: openIdMetadataUrl ?? CHANNEL_OPENID_METADATA_URL,
    ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
    ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
    ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
    ToChannelFromBotOAuthScope: 'https://api.botframework.com',
    OAuthUrl: 'https://api.botframework.com',
    CallerId: 'urn:botframework:azure',
    ValidateAuthority: true,
  };
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
    private readonly checks: { readonly serviceUrls: Config['serviceUrls']; readonly appId: string | undefined },
  ) {
    super(auth);
    this.allowed = new Set(allowedTenants.map((t) => t.toLowerCase()));
    // Every connector client (replies, proactive turns, new conversations) comes from this factory;
    // TeamsAdapter gives no hook into the client's pipeline, so each one is capped as it is made.
    // Inbound turns use the factory in the authentication result; proactive ones ask for a new one.
    const authentication = this.botFrameworkAuthentication;
    // ConnectorFactory is an abstract class with one abstract method and no state, so an object with `create` is one.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
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
    // Before anything else: the bot replies (with its own bearer token) to the serviceUrl, so only Teams's.
    if (!serviceUrlAllowed(activity.serviceUrl, this.checks.serviceUrls)) {
      this.logger.warn(
        { event: 'auth.rejected', reason: 'service-url-not-allowed', activityType: safeLogId(activity.type), channelId: safeLogId(activity.channelId) },
        'Request rejected: serviceUrl is not an allowed Teams service URL',
      );
      return { status: 401 };
    }
    let authenticated;
    try {
      if (this.checks.appId !== undefined) {
        const problem = channelTokenProblem(authHeaderOrResult, activity);
        if (problem) {
          this.logger.warn(
            { event: 'auth.rejected', reason: problem, activityType: safeLogId(activity.type), channelId: safeLogId(activity.channelId) },
            'Request rejected: not a Teams channel token',
          );
          return { status: 401 };
        }
      }
      authenticated = await this.botFrameworkAuthentication.authenticateRequest(activity, authHeaderOrResult);
      if (this.checks.appId !== undefined) {
        // The same checks on the verified claims: the issuer, exp and serviceurl botbuilder accepted.
        const identity = authenticated.claimsIdentity;
        const claims = {
          iss: identity.getClaimValue('iss'),
          serviceurl: identity.getClaimValue('serviceurl'),
          aud: identity.getClaimValue('aud'),
          exp: identity.getClaimValue('exp'),
        };
        if (!verifiedClaimsAcceptable(claims, activity, this.checks.appId)) {
          this.logger.warn(
            { event: 'auth.rejected', reason: 'verified-claims', activityType: safeLogId(activity.type), channelId: safeLogId(activity.channelId) },
            'Request rejected: verified claims are not a Teams channel token',
          );
          return { status: 401 };
        }
      }
    } catch (error) {
      // The reason stays in our log as an error name only; the caller learns nothing about the token or keys.
      const e = error as { name?: string; statusCode?: number };
      const upstream = e.name === 'FetchError' || (typeof e.statusCode === 'number' && e.statusCode >= 500);
      this.logger.warn(
        {
          event: upstream ? 'auth.unavailable' : 'auth.rejected',
          errorName: safeLogId(e.name),
          activityType: safeLogId(activity.type),
          channelId: safeLogId(activity.channelId),
        },
        upstream ? 'Could not load the Bot Framework signing keys' : 'Request rejected: authentication failed',
      );
      return { status: upstream ? 503 : 401 };
    }
    if (!tenantAllowed(activity, this.allowed)) {
      const tenant = activityTenant(activity);
      this.logger.warn(
        {
          event: 'tenant.rejected',
          tenantId: safeLogId(tenant, 64),
          activityType: safeLogId(activity.type),
          conversationId: safeLogId(activity.conversation.id, 256),
        },
        'Request rejected: tenant not allowed',
      );
      return { status: 403 };
    }
    try {
      return await super.processActivity(authenticated, activity, logic);
    } catch (error) {
      // CloudAdapter.process would answer 500 with the error's message and print the error itself.
      this.logger.error(
        { event: 'turn.failed', err: safeError(error), activityType: safeLogId(activity.type), activityId: safeLogId(activity.id, 128) },
        'A turn failed outside the turn error handler',
      );
      return { status: 500 };
    }
  }
}
