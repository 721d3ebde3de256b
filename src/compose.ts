import type { Config } from './config.js';
import type { Logger } from './log.js';
import { createBot, type Bot } from './bot/bot.js';
import { createTableFactory, pingTables, type TableFactory } from './storage/tables.js';
import { createFieldCipher, type FieldCipher } from './storage/field-cipher.js';
import { loadOrCreateDevKey } from './storage/dev-key.js';
import { AssessmentRepository } from './storage/assessment-repository.js';
import type { AssessmentService } from './tencs/assessment-service.js';
import { AuditRepository } from './storage/audit-repository.js';
import { AuditedAssessmentService } from './tencs/audited-assessment-service.js';
import { PrivacyService } from './tencs/privacy-service.js';
import { ShareCleanup } from './storage/share-cleanup.js';
import { TeamRepository } from './storage/team-repository.js';
import { ShareRepository } from './storage/share-repository.js';

/** Everything the running service is made of, built from config; no listening, no timers. */
export interface Dependencies {
  readonly config: Config;
  readonly logger: Logger;
  readonly tables: TableFactory;
  readonly cipher: FieldCipher;
  readonly bot: Bot;
  readonly assessmentRepository: AssessmentRepository;
  readonly assessments: AssessmentService;
  /** The append-only audit trail (who did what to which assessment, when; never content). */
  readonly audit: AuditRepository;
  /** Delete, export, audit trail and the retention purge. */
  readonly privacy: PrivacyService;
  /** Teams tencs is installed in, and summaries shared to them with their acks and notes. */
  readonly teams: TeamRepository;
  readonly shares: ShareRepository;
  readonly storageHealthy: () => Promise<boolean>;
}

/** The composition root shared by index.ts, the tests and the benchmark. */
export async function buildDependencies(config: Config, logger: Logger): Promise<Dependencies> {
  const tables = await createTableFactory(config);
  // Config only allows no keys on a local run (auth disabled on loopback): use a generated dev key there.
  const keys = config.encryptionKeys.length > 0 ? config.encryptionKeys : [loadOrCreateDevKey(config.devKeyFile)];
  const cipher = createFieldCipher(keys);
  const assessmentRepository = new AssessmentRepository(tables, cipher);
  const audit = new AuditRepository(tables, logger);
  const assessments: AssessmentService = new AuditedAssessmentService(assessmentRepository, audit);
  const teams = new TeamRepository(tables);
  const shares = new ShareRepository(tables, cipher);
  const privacy = new PrivacyService(tables, assessmentRepository, audit, {
    retentionDays: config.retentionDays,
    auditRetentionDays: config.auditRetentionDays,
    shares: { cleanup: new ShareCleanup(tables), repository: shares },
  });
  const sharing = { teams, shares, lookup: assessmentRepository, audit, botAppId: config.auth.enabled ? config.auth.appId : '', safeguarding: config.safeguarding };
  const bot = createBot(config, { logger, assessments, privacy, sharing, rateLimit: config.rateLimit, retention: { retentionDays: config.retentionDays, auditRetentionDays: config.auditRetentionDays } });
  return {
    config,
    logger,
    tables,
    cipher,
    bot,
    assessmentRepository,
    assessments,
    audit,
    privacy,
    teams,
    shares,
    storageHealthy: () => pingTables(tables),
  };
}
