import { z } from 'zod';
import { parseEncryptionKeys, type EncryptionKey } from './storage/field-cipher.js';
import { loadCycleConfig, type CycleConfig } from './tencs/cycle/cycle-config.js';

/** Azurite's published development account; only ever used against a loopback Azurite. */
export const AZURITE_DEV_CONNECTION_STRING =
  'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
  'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
  'TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** True for addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The Teams Bot Connector host of the public cloud: Teams sends https://smba.trafficmanager.net/<region>/
 * (amer, emea, apac, uk, in, ...) as the serviceUrl. Government clouds use other hosts and are not supported.
 */
export const TEAMS_PUBLIC_CLOUD_SERVICE_HOSTS: readonly string[] = ['smba.trafficmanager.net'];

const csv = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );

const optionalNonEmpty = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const EnvSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3978),
    HOST: z.string().min(1).default('127.0.0.1'),
    TABLES_CONNECTION_STRING: optionalNonEmpty,
    TABLES_ACCOUNT_URL: optionalNonEmpty.pipe(z.string().url().optional()),
    TABLE_PREFIX: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]{0,20}$/, 'must start with a letter and use only letters and digits (at most 21)')
      .default('tencs'),
    BOT_ID: optionalNonEmpty,
    BOT_PASSWORD: optionalNonEmpty,
    BOT_TENANT_ID: optionalNonEmpty,
    BOT_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('SingleTenant'),
    BOT_AUTH: z.enum(['enabled', 'disabled']).default('enabled'),
    BOT_HOST: z.enum(['teams-ai', 'teams-sdk']).default('teams-ai'),
    BOT_OPENID_METADATA: optionalNonEmpty.pipe(z.string().url().optional()),
    ALLOWED_TENANTS: csv,
    TEAMS_SERVICE_URL_HOSTS: csv.pipe(
      z.array(z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/, 'must be host names such as smba.trafficmanager.net')),
    ),
    ALLOW_LOOPBACK_SERVICE_URL: z.enum(['true', 'false']).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(10 * 1024 * 1024)
      .default(256 * 1024),
    RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(100_000).default(30),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().min(0.01).max(1_000_000).default(60),
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
    RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    /** Longer than CASE_RETENTION_DAYS (checked below), so the trail outlives the data it describes. */
    AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(800),
    /** Scheduled jobs: each instance checks every JOB_TICK_MS; only the lease holder runs a period's work. */
    JOB_TICK_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
    JOB_LEASE_MS: z.coerce.number().int().min(500).max(3_600_000).default(60_000),
    PURGE_PERIOD_MS: z.coerce
      .number()
      .int()
      .min(1000)
      .max(30 * 86_400_000)
      .default(86_400_000),
    FOLLOW_UP_PERIOD_MS: z.coerce.number().int().min(1000).max(86_400_000).default(60_000),
    /** The case over time (issue 16): how often reminders are looked for, and unfinished hand-overs finished. */
    REMINDER_PERIOD_MS: z.coerce
      .number()
      .int()
      .min(1000)
      .max(86_400_000)
      .default(15 * 60_000),
    HAND_OVER_RECOVERY_PERIOD_MS: z.coerce
      .number()
      .int()
      .min(1000)
      .max(86_400_000)
      .default(5 * 60_000),
    ENCRYPTION_KEYS: optionalNonEmpty,
    DEV_KEY_FILE: z.string().min(1).default('.localdata/dev-encryption-key'),
    /** The council's safeguarding procedures, shown in a summary's routes to safety (https only). */
    SAFEGUARDING_PROCEDURES_URL: optionalNonEmpty.pipe(
      z
        .string()
        .url('must be a full https:// address')
        .refine((v) => v.startsWith('https://'), 'must be an https:// address')
        .refine((v) => v.length <= 300, 'must be at most 300 characters')
        .optional(),
    ),
    /** The out-of-hours (emergency duty) team's number, shown in a summary's routes to safety. */
    OUT_OF_HOURS_PHONE: optionalNonEmpty.pipe(
      z
        .string()
        .regex(/^\+?[0-9][0-9 ]{4,19}$/, 'must be a phone number: digits and spaces, optionally starting with +, 5 to 20 characters')
        .optional(),
    ),
  })
  .superRefine((env, ctx) => {
    if (env.ENCRYPTION_KEYS) {
      try {
        const keys = parseEncryptionKeys(env.ENCRYPTION_KEYS);
        if (keys.length === 0) throw new Error('no key listed');
        const bad = keys.find((k) => k.key.length !== 32 || !/^[A-Za-z0-9_-]{1,32}$/.test(k.id));
        if (bad) throw new Error(`key ${bad.id} must have a short id and decode to 32 bytes`);
        // Each id names exactly one key: with two under one id, a later read may pick the wrong key and fail.
        const seen = new Set<string>();
        const repeated = keys.find((k) => (seen.has(k.id) ? true : (seen.add(k.id), false)));
        if (repeated) throw new Error(`key id ${repeated.id} is listed more than once; give each key its own id`);
      } catch (error) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['ENCRYPTION_KEYS'],
          message: `is not valid (${(error as Error).message}); expected "id:base64-of-32-bytes[,id2:...]"`,
        });
      }
    } else if (env.BOT_AUTH === 'enabled') {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['ENCRYPTION_KEYS'],
        message: 'is required outside local runs: answers are encrypted before they are stored',
      });
    }
    if (env.ALLOW_LOOPBACK_SERVICE_URL === 'true' && !isLoopbackHost(env.HOST)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['ALLOW_LOOPBACK_SERVICE_URL'],
        message: `is "true" but HOST is ${env.HOST}; replies to a loopback Bot Connector are only for local runs and tests on a loopback address`,
      });
    }
    if (env.BOT_AUTH === 'disabled') {
      if (!isLoopbackHost(env.HOST)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['BOT_AUTH'],
          message: `is "disabled" but HOST is ${env.HOST}; authentication can only be turned off when the bot listens on a loopback address (127.0.0.1, ::1, localhost)`,
        });
      }
      return;
    }
    if (!env.BOT_ID) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['BOT_ID'],
        message:
          'is required: without bot credentials every request would be accepted unauthenticated. Set BOT_ID (and BOT_PASSWORD), or for a local run only set BOT_AUTH=disabled with HOST on loopback',
      });
    }
    if (env.BOT_TYPE !== 'UserAssignedMSI' && !env.BOT_PASSWORD) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['BOT_PASSWORD'], message: `is required when BOT_TYPE is ${env.BOT_TYPE}` });
    }
    if (env.BOT_TYPE !== 'MultiTenant' && !env.BOT_TENANT_ID) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['BOT_TENANT_ID'], message: `is required when BOT_TYPE is ${env.BOT_TYPE}` });
    }
    if (env.ALLOWED_TENANTS.length === 0 && !env.BOT_TENANT_ID) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['ALLOWED_TENANTS'],
        message: 'must list at least one tenant id when BOT_TENANT_ID is not set',
      });
    }
  });

export type Env = z.input<typeof EnvSchema>;

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly tables:
    | { readonly kind: 'connection-string'; readonly connectionString: string; readonly allowInsecure: boolean }
    | { readonly kind: 'managed-identity'; readonly accountUrl: string; readonly clientId: string | undefined };
  readonly tablePrefix: string;
  /** Which SDK binds the interaction table: botbuilder + teams-ai (default) or the Teams SDK (@microsoft/teams.apps). */
  readonly botHost: 'teams-ai' | 'teams-sdk';
  readonly auth:
    | { readonly enabled: false }
    | {
        readonly enabled: true;
        readonly appId: string;
        readonly appPassword: string | undefined;
        readonly appTenantId: string | undefined;
        readonly appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
        readonly openIdMetadataUrl: string | undefined;
      };
  /**
   * Where the bot may send replies: https service URLs on these hosts (Teams, public cloud), and a
   * loopback Bot Connector only when allowed (tests, local runs; never with a non-loopback HOST).
   */
  readonly serviceUrls: { readonly hosts: readonly string[]; readonly allowLoopback: boolean };
  /** Tenants whose activities are accepted; empty means any (only possible with auth disabled). */
  readonly allowedTenants: readonly string[];
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly maxBodyBytes: number;
  /** Per-user token bucket: how many turns at once, and how many more each minute. */
  readonly rateLimit: { readonly burst: number; readonly perMinute: number };
  /** How long a stopping process waits for turns in flight before it exits anyway. */
  readonly shutdownGraceMs: number;
  /** Assessments unchanged for this many days (completed or abandoned) are deleted by the purge. */
  readonly retentionDays: number;
  /** Audit entries older than this many days are deleted by the purge. */
  readonly auditRetentionDays: number;
  /** Scheduled jobs (the purge, the deletion follow-up): tick, lease length and periods, in ms. */
  readonly jobs: {
    readonly tickMs: number;
    readonly leaseMs: number;
    readonly purgePeriodMs: number;
    readonly followUpPeriodMs: number;
    readonly reminderPeriodMs: number;
    readonly handOverRecoveryPeriodMs: number;
  };
  /** The case over time: review default, reminders' working hours, case retention (src/tencs/cycle/cycle-config.ts). */
  readonly cycle: CycleConfig;
  /** Keys for field encryption, first active; empty means a local run that uses a generated development key. */
  readonly encryptionKeys: readonly EncryptionKey[];
  readonly devKeyFile: string;
  /** The council's safeguarding procedures link and out-of-hours number, each shown only when set. */
  readonly safeguarding: { readonly proceduresUrl: string | undefined; readonly outOfHoursPhone: string | undefined };
}

/** Thrown when the environment does not describe a runnable configuration. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function tableEndpointIsLoopbackHttp(connectionString: string): boolean {
  const match = /TableEndpoint=([^;]+)/i.exec(connectionString);
  if (!match?.[1]) return false;
  try {
    const url = new URL(match[1]);
    return url.protocol === 'http:' && isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}

/** Validates the environment once and returns a frozen Config, or throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(environment)'} ${i.message}`);
    throw new ConfigError(`tencs cannot start, the configuration is not valid:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  let cycle: CycleConfig;
  try {
    cycle = loadCycleConfig(env);
  } catch (error) {
    throw new ConfigError(
      `tencs cannot start, the configuration is not valid:\n  ${(error as Error).message
        .replace(/^Invalid configuration: /, '')
        .split('; ')
        .join('\n  ')}`,
    );
  }
  if (e.AUDIT_RETENTION_DAYS < cycle.caseRetentionDays) {
    throw new ConfigError(
      `tencs cannot start, the configuration is not valid:\n  AUDIT_RETENTION_DAYS (${e.AUDIT_RETENTION_DAYS}) must be at least CASE_RETENTION_DAYS (${cycle.caseRetentionDays}), or the audit trail would be deleted before the assessments it describes`,
    );
  }

  let tables: Config['tables'];
  if (e.TABLES_CONNECTION_STRING) {
    const insecure = /DefaultEndpointsProtocol=http;/i.test(e.TABLES_CONNECTION_STRING) || /TableEndpoint=http:/i.test(e.TABLES_CONNECTION_STRING);
    if (insecure && !tableEndpointIsLoopbackHttp(e.TABLES_CONNECTION_STRING)) {
      throw new ConfigError(
        'tencs cannot start, the configuration is not valid:\n  TABLES_CONNECTION_STRING uses plain HTTP to a non-loopback endpoint; only a local Azurite may be reached without TLS',
      );
    }
    tables = { kind: 'connection-string', connectionString: e.TABLES_CONNECTION_STRING, allowInsecure: insecure };
  } else if (e.TABLES_ACCOUNT_URL) {
    tables = { kind: 'managed-identity', accountUrl: e.TABLES_ACCOUNT_URL, clientId: e.BOT_TYPE === 'UserAssignedMSI' ? e.BOT_ID : undefined };
  } else {
    tables = { kind: 'connection-string', connectionString: AZURITE_DEV_CONNECTION_STRING, allowInsecure: true };
  }

  const auth: Config['auth'] =
    e.BOT_AUTH === 'disabled'
      ? { enabled: false }
      : {
          enabled: true,
          appId: e.BOT_ID!,
          appPassword: e.BOT_PASSWORD,
          appTenantId: e.BOT_TENANT_ID,
          appType: e.BOT_TYPE,
          openIdMetadataUrl: e.BOT_OPENID_METADATA,
        };

  const allowedTenants = e.ALLOWED_TENANTS.length > 0 ? e.ALLOWED_TENANTS : e.BOT_TENANT_ID && e.BOT_AUTH === 'enabled' ? [e.BOT_TENANT_ID] : [];

  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    tables: Object.freeze(tables),
    tablePrefix: e.TABLE_PREFIX,
    botHost: e.BOT_HOST,
    auth: Object.freeze(auth),
    allowedTenants: Object.freeze([...allowedTenants]),
    serviceUrls: Object.freeze({
      hosts: Object.freeze(e.TEAMS_SERVICE_URL_HOSTS.length > 0 ? e.TEAMS_SERVICE_URL_HOSTS : [...TEAMS_PUBLIC_CLOUD_SERVICE_HOSTS]),
      // Local runs (auth off, loopback only) talk to a local connector by default; with auth on it must be asked for.
      allowLoopback: (e.ALLOW_LOOPBACK_SERVICE_URL ?? (e.BOT_AUTH === 'disabled' ? 'true' : 'false')) === 'true',
    }),
    logLevel: e.LOG_LEVEL,
    maxBodyBytes: e.MAX_BODY_BYTES,
    rateLimit: Object.freeze({ burst: e.RATE_LIMIT_BURST, perMinute: e.RATE_LIMIT_PER_MINUTE }),
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    retentionDays: e.RETENTION_DAYS,
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    jobs: Object.freeze({
      tickMs: e.JOB_TICK_MS,
      leaseMs: e.JOB_LEASE_MS,
      purgePeriodMs: e.PURGE_PERIOD_MS,
      followUpPeriodMs: e.FOLLOW_UP_PERIOD_MS,
      reminderPeriodMs: e.REMINDER_PERIOD_MS,
      handOverRecoveryPeriodMs: e.HAND_OVER_RECOVERY_PERIOD_MS,
    }),
    cycle,
    encryptionKeys: Object.freeze(e.ENCRYPTION_KEYS ? parseEncryptionKeys(e.ENCRYPTION_KEYS) : []),
    devKeyFile: e.DEV_KEY_FILE,
    safeguarding: Object.freeze({ proceduresUrl: e.SAFEGUARDING_PROCEDURES_URL, outOfHoursPhone: e.OUT_OF_HOURS_PHONE }),
  });
}

/** For entry points: the validated config, or the reason on stderr and exit code 1. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
