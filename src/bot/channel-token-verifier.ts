import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { isLoopbackHost } from '../config.js';
import { bearerToken, CHANNEL_OPENID_METADATA_URL, channelTokenProblem, decodeJwt, verifiedClaimsAcceptable, type InboundActivity } from './channel-auth.js';

/**
 * Verifies a Teams channel token with no SDK: the Teams SDK host's only inbound check (its own
 * validator is bypassed), written to the same rules botbuilder applies for the Teams channel:
 * RS256 only, a key from the channel's OpenID metadata that is endorsed for the activity's channel,
 * issuer api.botframework.com, audience the bot's app id, exp required, nbf and exp with five
 * minutes' clock skew, and a serviceurl claim equal to the activity's.
 */
export type VerifyResult =
  { readonly ok: true; readonly claims: Record<string, unknown> } | { readonly ok: false; readonly status: 401 | 503; readonly reason: string };

export interface ChannelTokenVerifier {
  verify(authHeader: string | undefined, activity: InboundActivity): Promise<VerifyResult>;
}

const CLOCK_SKEW_S = 300;
/** Keys are fetched again after this long, or sooner when a token names a key we have not seen. */
const KEYS_TTL_MS = 24 * 60 * 60 * 1000;
const REFRESH_FLOOR_MS = 60 * 1000;
const FETCH_TIMEOUT_MS = 10_000;

const Metadata = z.object({ jwks_uri: z.string().url().max(2048) }).passthrough();
const Jwks = z.object({
  keys: z
    .array(
      z
        .object({
          kty: z.string(),
          kid: z.string().max(256).optional(),
          n: z.string().optional(),
          e: z.string().optional(),
          endorsements: z.array(z.string().max(128)).max(64).optional(),
        })
        .passthrough(),
    )
    .max(256),
});

interface Key {
  readonly key: KeyObject;
  readonly endorsements: readonly string[] | undefined;
}

class Unavailable extends Error {
  override readonly name = 'SigningKeysUnavailable';
}

async function getJson(url: string): Promise<unknown> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new Unavailable('signing key metadata URL is not a URL', { cause: error });
  }
  // Plain http only to this machine (the benchmark's local metadata), as config allows for the table endpoint.
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname))) {
    throw new Unavailable('signing key metadata must be fetched over https');
  }
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'error' });
  } catch (error) {
    throw new Unavailable('could not fetch signing key metadata', { cause: error });
  }
  if (!res.ok) throw new Unavailable(`signing key metadata answered ${res.status}`);
  try {
    return await res.json();
  } catch (error) {
    throw new Unavailable('signing key metadata is not JSON', { cause: error });
  }
}

export function createChannelTokenVerifier(options: {
  readonly appId: string;
  readonly openIdMetadataUrl: string | undefined;
  readonly now?: () => number;
}): ChannelTokenVerifier {
  const metadataUrl = options.openIdMetadataUrl ?? CHANNEL_OPENID_METADATA_URL;
  const now = options.now ?? Date.now;
  let keys: Map<string, Key> | undefined;
  let fetchedAt = 0;
  let inFlight: Promise<Map<string, Key>> | undefined;

  const load = async (): Promise<Map<string, Key>> => {
    const metadata = Metadata.safeParse(await getJson(metadataUrl));
    if (!metadata.success) throw new Unavailable('OpenID metadata has no jwks_uri');
    const jwks = Jwks.safeParse(await getJson(metadata.data.jwks_uri));
    if (!jwks.success) throw new Unavailable('the key set is not a JWKS');
    const map = new Map<string, Key>();
    for (const k of jwks.data.keys) {
      if (k.kty !== 'RSA' || !k.kid || !k.n || !k.e) continue;
      try {
        map.set(k.kid, { key: createPublicKey({ key: { kty: 'RSA', n: k.n, e: k.e }, format: 'jwk' }), endorsements: k.endorsements });
      } catch {
        // A key we cannot read is a key no token can use.
      }
    }
    return map;
  };

  const keyFor = async (kid: string): Promise<Key | undefined> => {
    const stale = !keys || now() - fetchedAt > KEYS_TTL_MS;
    const unknown = keys !== undefined && !keys.has(kid) && now() - fetchedAt > REFRESH_FLOOR_MS;
    if (stale || unknown) {
      inFlight ??= load()
        .then((loaded) => {
          keys = loaded;
          fetchedAt = now();
          return loaded;
        })
        .finally(() => {
          inFlight = undefined;
        });
      try {
        await inFlight;
      } catch (error) {
        // Keys we already hold still verify; with none at all, the caller is told the keys are unavailable.
        if (!keys) throw error;
      }
    }
    return keys?.get(kid);
  };

  return {
    async verify(authHeader, activity) {
      if (!authHeader) return { ok: false, status: 401, reason: 'no-authorization' };
      const problem = channelTokenProblem(authHeader, activity);
      if (problem) return { ok: false, status: 401, reason: problem };
      const token = bearerToken(authHeader)!;
      const decoded = decodeJwt(token);
      if (!decoded) return { ok: false, status: 401, reason: 'not-jwt' };
      const { header, claims } = decoded;
      if (header.alg !== 'RS256') return { ok: false, status: 401, reason: 'alg' };
      if (typeof header.kid !== 'string' || header.kid.length > 256) return { ok: false, status: 401, reason: 'no-kid' };
      let key: Key | undefined;
      try {
        key = await keyFor(header.kid);
      } catch {
        return { ok: false, status: 503, reason: 'keys-unavailable' };
      }
      if (!key) return { ok: false, status: 401, reason: 'unknown-key' };
      const [h, p, s] = token.split('.') as [string, string, string];
      const signed = verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key.key, Buffer.from(s, 'base64url'));
      if (!signed) return { ok: false, status: 401, reason: 'signature' };
      // botbuilder's rule: a key that lists endorsements must list the activity's channel.
      if (key.endorsements && !key.endorsements.includes(String(activity.channelId))) return { ok: false, status: 401, reason: 'endorsement' };
      const seconds = now() / 1000;
      const exp = Number(claims.exp);
      if (!Number.isFinite(exp) || seconds > exp + CLOCK_SKEW_S) return { ok: false, status: 401, reason: 'expired' };
      if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || seconds + CLOCK_SKEW_S < claims.nbf))
        return { ok: false, status: 401, reason: 'not-yet-valid' };
      if (!verifiedClaimsAcceptable(claims, activity, options.appId)) return { ok: false, status: 401, reason: 'verified-claims' };
      return { ok: true, claims };
    },
  };
}
