import { describe, expect, it } from 'vitest';
import { AZURITE_DEV_CONNECTION_STRING, ConfigError, loadConfig } from '../../src/config.js';

const KEYS = `k1:${Buffer.alloc(32, 7).toString('base64')}`;

describe('config', () => {
  it('when the case-over-time settings are read, then defaults apply, bad values stop start-up by name, and audit retention must cover case retention', () => {
    const c = loadConfig({ BOT_AUTH: 'disabled' });
    expect(c.cycle).toMatchObject({
      reviewDefaultDays: 91,
      staleDays: 7,
      caseRetentionDays: 396,
      retentionWarningDays: 14,
      hours: { timeZone: 'Europe/London', startMinute: 540, endMinute: 1020 },
    });
    expect(c.auditRetentionDays).toBe(800);
    expect(c.jobs).toMatchObject({ reminderPeriodMs: 900_000, handOverRecoveryPeriodMs: 300_000 });
    expect(() => loadConfig({ BOT_AUTH: 'disabled', AUDIT_RETENTION_DAYS: '365' })).toThrow(
      /AUDIT_RETENTION_DAYS \(365\) must be at least CASE_RETENTION_DAYS \(396\)/,
    );
    expect(() => loadConfig({ BOT_AUTH: 'disabled', AUDIT_RETENTION_DAYS: '365', CASE_RETENTION_DAYS: '200' })).not.toThrow();
    expect(() => loadConfig({ BOT_AUTH: 'disabled', CASE_RETENTION_DAYS: '100' })).toThrow(/CASE_RETENTION_DAYS/);
    expect(() => loadConfig({ BOT_AUTH: 'disabled', REMINDER_HOURS_START: '17:00', REMINDER_HOURS_END: '09:00' })).toThrow(
      /REMINDER_HOURS_END must be after REMINDER_HOURS_START/,
    );
    expect(() => loadConfig({ BOT_AUTH: 'disabled', REMINDER_TIME_ZONE: 'Mars/Olympus' })).toThrow(/REMINDER_TIME_ZONE is not a time zone/);
  });

  it('when auth is on and no encryption key is configured, then it refuses', () => {
    expect(() => loadConfig({ BOT_ID: 'app', BOT_PASSWORD: 's', BOT_TENANT_ID: 't' })).toThrow(/ENCRYPTION_KEYS is required/);
  });

  it('when an encryption key is not 32 bytes, then it refuses', () => {
    expect(() => loadConfig({ BOT_AUTH: 'disabled', ENCRYPTION_KEYS: `k1:${Buffer.alloc(16).toString('base64')}` })).toThrow(/ENCRYPTION_KEYS is not valid/);
  });

  it('when two encryption keys share one key id, then it refuses and names the repeated id', () => {
    const other = Buffer.alloc(32, 9).toString('base64');
    expect(() => loadConfig({ BOT_AUTH: 'disabled', ENCRYPTION_KEYS: `${KEYS},k1:${other}` })).toThrow(
      /ENCRYPTION_KEYS is not valid \(key id k1 is listed more than once/,
    );
    expect(() => loadConfig({ BOT_AUTH: 'disabled', ENCRYPTION_KEYS: `${KEYS},k2:${other}` })).not.toThrow();
  });

  it('when nothing is set, then it refuses to start and names the missing credentials', () => {
    expect(() => loadConfig({})).toThrow(ConfigError);
    expect(() => loadConfig({})).toThrow(/BOT_ID is required/);
  });

  it('when auth is disabled on loopback, then it starts with auth off and Azurite by default', () => {
    const c = loadConfig({ BOT_AUTH: 'disabled' });
    expect(c.auth.enabled).toBe(false);
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(3978);
    expect(c.tables).toEqual({ kind: 'connection-string', connectionString: AZURITE_DEV_CONNECTION_STRING, allowInsecure: true });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it.each(['0.0.0.0', '10.0.0.4', 'example.org', '::'])('when auth is disabled and HOST is %s, then it refuses', (host) => {
    expect(() => loadConfig({ BOT_AUTH: 'disabled', HOST: host })).toThrow(/BOT_AUTH is "disabled" but HOST is/);
  });

  it.each(['127.0.0.1', '127.1.2.3', '::1', 'localhost'])('when auth is disabled and HOST is loopback %s, then it starts', (host) => {
    expect(loadConfig({ BOT_AUTH: 'disabled', HOST: host }).host).toBe(host);
  });

  it('when credentials are complete, then auth is on and the bot tenant is the allow-list', () => {
    const c = loadConfig({ BOT_ID: 'app', BOT_PASSWORD: 'secret', BOT_TENANT_ID: 'tenant-a', HOST: '0.0.0.0', ENCRYPTION_KEYS: KEYS });
    expect(c.auth).toMatchObject({ enabled: true, appId: 'app', appType: 'SingleTenant', appTenantId: 'tenant-a' });
    expect(c.allowedTenants).toEqual(['tenant-a']);
  });

  it('when a value is malformed, then the error names the variable and the problem', () => {
    expect(() => loadConfig({ BOT_AUTH: 'disabled', PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ BOT_AUTH: 'maybe' })).toThrow(/BOT_AUTH/);
    expect(() => loadConfig({ BOT_AUTH: 'disabled', TABLE_PREFIX: 'bad-prefix!' })).toThrow(/TABLE_PREFIX/);
  });

  it('when SHUTDOWN_GRACE_MS is unset, then turns get 10 s; when set, that value; when negative or not a number, it refuses', () => {
    expect(loadConfig({ BOT_AUTH: 'disabled' }).shutdownGraceMs).toBe(10_000);
    expect(loadConfig({ BOT_AUTH: 'disabled', SHUTDOWN_GRACE_MS: '2500' }).shutdownGraceMs).toBe(2500);
    expect(() => loadConfig({ BOT_AUTH: 'disabled', SHUTDOWN_GRACE_MS: '-1' })).toThrow(/SHUTDOWN_GRACE_MS/);
    expect(() => loadConfig({ BOT_AUTH: 'disabled', SHUTDOWN_GRACE_MS: 'soon' })).toThrow(/SHUTDOWN_GRACE_MS/);
  });

  it('when the password is missing for a SingleTenant bot, then it refuses', () => {
    expect(() => loadConfig({ BOT_ID: 'app', BOT_TENANT_ID: 't' })).toThrow(/BOT_PASSWORD is required/);
  });

  it('when a managed identity bot has no password, then it starts and uses the account URL', () => {
    const c = loadConfig({
      BOT_ID: 'app',
      BOT_TYPE: 'UserAssignedMSI',
      BOT_TENANT_ID: 't',
      TABLES_ACCOUNT_URL: 'https://acct.table.core.windows.net',
      ENCRYPTION_KEYS: KEYS,
    });
    expect(c.tables).toEqual({ kind: 'managed-identity', accountUrl: 'https://acct.table.core.windows.net', clientId: 'app' });
  });

  it('when a plain-HTTP table endpoint is not loopback, then it refuses', () => {
    const cs = AZURITE_DEV_CONNECTION_STRING.replace('127.0.0.1', '10.1.2.3');
    expect(() => loadConfig({ BOT_AUTH: 'disabled', TABLES_CONNECTION_STRING: cs })).toThrow(/plain HTTP/);
  });
});
