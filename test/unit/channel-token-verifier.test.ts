import { randomUUID } from 'node:crypto';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { createChannelTokenVerifier } from '../../src/bot/channel-token-verifier.js';
import { CHANNEL_ISSUER, jwk, newKey, sign, type SigningKey } from '../bot/signed-bot.js';

// The Teams SDK host's own token check (src/bot/channel-token-verifier.ts), on its own: the behavioural
// suites (test/bot/auth.test.ts, token-hardening.test.ts with BOT_HOST=teams-sdk) cover the rest.
const SERVICE_URL = 'https://smba.trafficmanager.net/uk/';
const appId = randomUUID();
const activity = { type: 'message', channelId: 'msteams', serviceUrl: SERVICE_URL };

function metadataHost(): string {
  return `https://login-${randomUUID().slice(0, 8)}.verifier-test.example`;
}

function serve(host: string, keys: () => SigningKey[], status = 200): nock.Scope {
  return nock(host)
    .persist()
    .get('/v1/.well-known/openidconfiguration')
    .reply(status, { issuer: CHANNEL_ISSUER, jwks_uri: `${host}/v1/.well-known/keys` })
    .get('/v1/.well-known/keys')
    .reply(() => [200, { keys: keys().map((k) => jwk(k, ['msteams'])) }]);
}

function token(key: SigningKey, overrides: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  return `Bearer ${sign({ iss: CHANNEL_ISSUER, aud: appId, serviceurl: SERVICE_URL, nbf: now - 60, exp: now + 3600, ...overrides }, key)}`;
}

describe("the Teams SDK host's channel token verifier", () => {
  afterEach(() => {
    nock.cleanAll();
  });

  it('when the token is a valid channel token for this bot, then it is accepted with its claims; for another audience, it is refused', async () => {
    const host = metadataHost();
    const key = newKey();
    serve(host, () => [key]);
    const verifier = createChannelTokenVerifier({ appId, openIdMetadataUrl: `${host}/v1/.well-known/openidconfiguration` });
    const ok = await verifier.verify(token(key), activity);
    expect(ok).toMatchObject({ ok: true, claims: { aud: appId, serviceurl: SERVICE_URL } });
    expect(await verifier.verify(token(key, { aud: randomUUID() }), activity)).toEqual({ ok: false, status: 401, reason: 'verified-claims' });
    expect(await verifier.verify(undefined, activity)).toEqual({ ok: false, status: 401, reason: 'no-authorization' });
  });

  it('when the signing keys cannot be fetched, then 503 (not 401), and nothing is accepted', async () => {
    const host = metadataHost();
    serve(host, () => [], 500);
    const verifier = createChannelTokenVerifier({ appId, openIdMetadataUrl: `${host}/v1/.well-known/openidconfiguration` });
    expect(await verifier.verify(token(newKey()), activity)).toEqual({ ok: false, status: 503, reason: 'keys-unavailable' });
  });

  it('when the channel rotates to a new key, then a token naming it is accepted once the keys are fetched again, and an unpublished key never is', async () => {
    const host = metadataHost();
    const first = newKey();
    const second = newKey();
    let published = [first];
    serve(host, () => published);
    let now = Date.now();
    const verifier = createChannelTokenVerifier({ appId, openIdMetadataUrl: `${host}/v1/.well-known/openidconfiguration`, now: () => now });
    expect((await verifier.verify(token(first), activity)).ok).toBe(true);
    published = [first, second];
    // Within a minute of the last fetch an unknown key id does not make us fetch again (no stampede on forged kids).
    expect(await verifier.verify(token(second), activity)).toEqual({ ok: false, status: 401, reason: 'unknown-key' });
    now += 2 * 60_000;
    expect((await verifier.verify(token(second, { exp: Math.floor(now / 1000) + 600, nbf: Math.floor(now / 1000) - 60 }), activity)).ok).toBe(true);
    now += 2 * 60_000;
    expect(await verifier.verify(token(newKey(), { exp: Math.floor(now / 1000) + 600 }), activity)).toEqual({ ok: false, status: 401, reason: 'unknown-key' });
  });

  it('when the metadata is plain http to another host, then no key is fetched from it (even one that would verify)', async () => {
    const key = newKey();
    const host = 'http://metadata.verifier-test.example';
    serve(host, () => [key]);
    const verifier = createChannelTokenVerifier({ appId, openIdMetadataUrl: `${host}/v1/.well-known/openidconfiguration` });
    expect(await verifier.verify(token(key), activity)).toEqual({ ok: false, status: 503, reason: 'keys-unavailable' });
    // The control: the same keys over https verify.
    const secure = metadataHost();
    serve(secure, () => [key]);
    const control = createChannelTokenVerifier({ appId, openIdMetadataUrl: `${secure}/v1/.well-known/openidconfiguration` });
    expect((await control.verify(token(key), activity)).ok).toBe(true);
  });
});
