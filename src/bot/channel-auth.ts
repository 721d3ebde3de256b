import type { Config } from '../config.js';
import { isLoopbackHost } from '../config.js';

/**
 * The checks every bot host applies to an incoming request before any handler runs, with no SDK in
 * them: where the bot may reply (service URL allow-list), what a Teams channel token must look like,
 * and which tenant an activity comes from. The botbuilder host (adapter.ts) and the Teams SDK host
 * (teams-sdk/) both call these, so the two answer the same requests the same way.
 */

/** The parts of an incoming activity these checks read (botbuilder's and the Teams SDK's both fit). */
export interface InboundActivity {
  readonly type?: string;
  readonly id?: string;
  readonly channelId?: string;
  readonly serviceUrl?: string;
  readonly channelData?: unknown;
  readonly conversation?: { readonly id?: string; readonly tenantId?: string };
}

/** A kind message for the practitioner when a turn fails for a reason they cannot fix. */
export const TURN_ERROR_MESSAGE =
  "Sorry, something went wrong on my side and I couldn't finish that. Anything I confirmed as saved is safe. Please try again in a moment; if it keeps happening, tell your Teams administrator.";

/** The only issuer of the Teams channel's tokens (botframework-connector's ToBotFromChannelTokenIssuer). */
export const CHANNEL_TOKEN_ISSUER = 'https://api.botframework.com';

/** Where the public cloud publishes the channel's signing keys. */
export const CHANNEL_OPENID_METADATA_URL = 'https://login.botframework.com/v1/.well-known/openidconfiguration';

/** The tenant Teams says an activity comes from; both places must agree when both are present. */
export function activityTenant(activity: InboundActivity): string | undefined {
  const fromChannelData = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  const fromConversation = activity.conversation?.tenantId;
  const a = typeof fromChannelData === 'string' && fromChannelData ? fromChannelData : undefined;
  const b = typeof fromConversation === 'string' && fromConversation ? fromConversation : undefined;
  if (a && b && a.toLowerCase() !== b.toLowerCase()) return undefined;
  return (a ?? b)?.toLowerCase();
}

/** True when the activity's tenant is allowed (an empty list allows any: only possible with auth disabled). */
export function tenantAllowed(activity: InboundActivity, allowed: ReadonlySet<string>): boolean {
  if (allowed.size === 0) return true;
  const tenant = activityTenant(activity);
  return tenant !== undefined && allowed.has(tenant);
}

/** True when the bot may send to this serviceUrl: https on an allowed Teams host, or a loopback connector when allowed. */
export function serviceUrlAllowed(serviceUrl: unknown, allowed: Config['serviceUrls']): boolean {
  if (typeof serviceUrl !== 'string' || serviceUrl.length > 2048) return false;
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  const host = url.hostname.toLowerCase();
  if (allowed.allowLoopback && (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(host)) return true;
  return url.protocol === 'https:' && (url.port === '' || url.port === '443') && allowed.hosts.includes(host);
}

/** The header and claims of a JWT, read without verifying it. */
export function decodeJwt(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[0] || !parts[1]) return undefined;
  const part = (text: string): Record<string, unknown> | undefined => {
    try {
      const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
      return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  const header = part(parts[0]);
  const claims = part(parts[1]);
  return header && claims ? { header, claims } : undefined;
}

/** The bearer token in an Authorization header, if it is one and has the shape of a JWT. */
export function bearerToken(authHeader: string): string | undefined {
  if (authHeader.length > 16_384) return undefined;
  return /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/.exec(authHeader)?.[1];
}

/**
 * Why a request cannot be a Teams channel request, checked before any signature is: only the
 * channel's tokens are accepted (issuer api.botframework.com), never the emulator's or a skill's
 * (Entra ID issuers, which botbuilder would accept for the bot's own audience with any serviceUrl, and
 * the Teams SDK accepts as "agentic" tokens without a serviceurl), nor the bot's own outbound token
 * replayed. The token must carry `exp` and a `serviceurl` equal to the activity's. Returns undefined
 * when the signature and the rest may be verified.
 */
export function channelTokenProblem(authHeader: string, activity: InboundActivity): string | undefined {
  if (authHeader.length > 16_384) return 'header-too-long';
  const token = bearerToken(authHeader);
  if (!token) return 'not-bearer';
  const claims = decodeJwt(token)?.claims;
  if (!claims) return 'not-jwt';
  if (claims.iss !== CHANNEL_TOKEN_ISSUER) return 'not-channel-issuer';
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) return 'no-exp';
  if (typeof claims.serviceurl !== 'string' || claims.serviceurl !== activity.serviceUrl) return 'serviceurl-mismatch';
  if (activity.channelId !== 'msteams') return 'not-teams';
  return undefined;
}

/**
 * The same checks on claims whose signature has been verified: the issuer, exp, serviceurl and the
 * bot's own audience. True when they are a Teams channel token for this bot and this activity.
 */
export function verifiedClaimsAcceptable(
  claims: { iss?: unknown; serviceurl?: unknown; aud?: unknown; exp?: unknown },
  activity: InboundActivity,
  appId: string,
): boolean {
  const exp = Number(claims.exp);
  return claims.iss === CHANNEL_TOKEN_ISSUER && claims.serviceurl === activity.serviceUrl && claims.aud === appId && Number.isFinite(exp) && exp > 0;
}
