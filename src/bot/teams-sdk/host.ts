import { PUBLIC, type IToken } from '@microsoft/teams.api';
import { App, type IHttpServerAdapter } from '@microsoft/teams.apps';
import type { Config } from '../../config.js';
import type { InteractionTable } from '../../interactions/table.js';
import { safeError, safeLogId, type Logger } from '../../log.js';
import type { Bot, BotHost } from '../host.js';
import { activityTenant, serviceUrlAllowed, tenantAllowed, type InboundActivity } from '../channel-auth.js';
import { createChannelTokenVerifier } from '../channel-token-verifier.js';
import { bindTable } from './app.js';
import { createTeamsSdkPersonalPort } from './personal-port.js';
import { createTeamsSdkChannelPort } from './channel-port.js';
import { createConnectorClient, sdkLogger } from './connector-client.js';

/** The public-cloud Bot Connector the SDK would default to; named so the SERVICE_URL variable is never read. */
const DEFAULT_SERVICE_URL = 'https://smba.trafficmanager.net/teams';

/**
 * The SDK's transport seam, left empty: our restify server (src/server.ts) owns HTTP for both hosts,
 * so the SDK never listens, never registers /api/messages and never runs its own token check.
 */
const NO_TRANSPORT: IHttpServerAdapter = { registerRoute: () => undefined };

/**
 * The Teams SDK host. Every request passes the same gates as the botbuilder host's before the SDK sees
 * it: an allowed serviceUrl, a verified Teams channel token (ours, channel-token-verifier.ts; the SDK's
 * own validator is not used, and its "no credentials means no auth" default can never apply because the
 * SDK never authenticates anything here), and an allowed tenant. Auth is off only when config says so,
 * and config allows that only on a loopback host. Credentials are always passed explicitly so the SDK
 * never falls back to CLIENT_ID, CLIENT_SECRET, TENANT_ID, SERVICE_URL or CLOUD from the environment.
 */
export function createTeamsSdkHost(config: Pick<Config, 'auth' | 'allowedTenants' | 'serviceUrls'>, logger: Logger): BotHost {
  const auth = config.auth;
  const log = sdkLogger(logger);
  const app = new App({
    logger: log,
    client: createConnectorClient(log),
    cloud: PUBLIC,
    serviceUrl: DEFAULT_SERVICE_URL,
    clientId: auth.enabled ? auth.appId : '',
    clientSecret: auth.enabled ? (auth.appPassword ?? '') : '',
    tenantId: auth.enabled ? (auth.appTenantId ?? '') : '',
    managedIdentityClientId: auth.enabled && auth.appType === 'UserAssignedMSI' ? auth.appId : '',
    dangerouslyAllowUnauthenticatedRequests: false,
    httpServerAdapter: NO_TRANSPORT,
    state: false,
    telemetry: { agent365: false },
  });
  if (!auth.enabled) {
    logger.warn({ event: 'auth.disabled' }, 'Bot authentication is OFF (BOT_AUTH=disabled on a loopback host). Local use only.');
  }
  const verifier = auth.enabled ? createChannelTokenVerifier({ appId: auth.appId, openIdMetadataUrl: auth.openIdMetadataUrl }) : undefined;
  const allowed = new Set(config.allowedTenants.map((t) => t.toLowerCase()));

  /** The gates, then the app: the status and body to answer with. */
  const handle = async (body: Record<string, unknown>, authHeader: string | undefined): Promise<{ status: number; body?: unknown }> => {
    const activity = body as InboundActivity;
    const fields = { activityType: safeLogId(activity.type), channelId: safeLogId(activity.channelId) };
    if (!serviceUrlAllowed(activity.serviceUrl, config.serviceUrls)) {
      logger.warn({ event: 'auth.rejected', reason: 'service-url-not-allowed', ...fields }, 'Request rejected: serviceUrl is not an allowed Teams service URL');
      return { status: 401 };
    }
    let claims: Record<string, unknown> = {};
    if (verifier) {
      const result = await verifier.verify(authHeader, activity);
      if (!result.ok) {
        const unavailable = result.status === 503;
        logger.warn(
          { event: unavailable ? 'auth.unavailable' : 'auth.rejected', reason: result.reason, ...fields },
          unavailable ? 'Could not load the Bot Framework signing keys' : 'Request rejected: not a valid Teams channel token',
        );
        return { status: result.status };
      }
      claims = result.claims;
    }
    if (!tenantAllowed(activity, allowed)) {
      logger.warn(
        {
          event: 'tenant.rejected',
          tenantId: safeLogId(activityTenant(activity), 64),
          activityType: safeLogId(activity.type),
          conversationId: safeLogId(activity.conversation?.id, 256),
        },
        'Request rejected: tenant not allowed',
      );
      return { status: 403 };
    }
    const token: IToken = {
      appId: typeof claims.appid === 'string' ? claims.appid : '',
      from: 'azure',
      fromId: typeof claims.sub === 'string' ? claims.sub : '',
      serviceUrl: String(activity.serviceUrl),
      isExpired: () => false,
    };
    try {
      const response = await app.process({ body: body, token });
      return { status: response.status || 200, body: response.body };
    } catch (error) {
      logger.error(
        { event: 'turn.failed', err: safeError(error), activityType: safeLogId(activity.type), activityId: safeLogId(activity.id, 128) },
        'A turn failed outside the turn error handler',
      );
      return { status: 500 };
    }
  };

  return {
    name: 'teams-sdk',
    port: createTeamsSdkChannelPort(app),
    personal: (directory, render) => createTeamsSdkPersonalPort(app, directory, render, logger),
    bind(table: InteractionTable): Bot {
      bindTable(app, table, logger);
      return {
        async process(req, res) {
          const request = req as { body?: unknown; headers: Record<string, string | string[] | undefined> };
          const response = res as { headersSent?: boolean; writeHead(status: number, headers: Record<string, string>): void; end(body?: string): void };
          const raw = request.headers.authorization;
          const body = request.body && typeof request.body === 'object' && !Array.isArray(request.body) ? (request.body as Record<string, unknown>) : {};
          const answer = await handle(body, Array.isArray(raw) ? raw[0] : raw);
          if (response.headersSent) return;
          if (answer.body === undefined || answer.body === null || answer.body === '') {
            response.writeHead(answer.status, { 'content-length': '0' });
            response.end();
            return;
          }
          const text = JSON.stringify(answer.body);
          response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
          response.end(text);
        },
      };
    },
  };
}
