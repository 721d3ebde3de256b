import type { Config } from './config.js';
import type { Logger } from './log.js';
import { createHost, type Bot } from './bot/host.js';
import { renderSummaryView } from './cards/share-cards.js';
import { buildInteractions } from './interactions/interactions.js';
import { createRateLimiter } from './interactions/rate-limiter.js';
import { createTableFactory, pingTables, type TableFactory } from './storage/tables.js';
import { createFieldCipher, type FieldCipher } from './storage/field-cipher.js';
import { loadOrCreateDevKey } from './storage/dev-key.js';
import { AssessmentRepository } from './storage/assessment-repository.js';
import { AuditRepository } from './storage/audit-repository.js';
import { ShareCleanup } from './storage/share-cleanup.js';
import { TableRetentionScan } from './storage/retention-scan.js';
import { TeamRepository } from './storage/team-repository.js';
import { ShareRepository } from './storage/share-repository.js';
import { CardReplacementQueue, DeletionQueue } from './storage/work-queues.js';
import type { AssessmentService } from './tencs/assessment-service.js';
import { AuditedAssessmentService } from './tencs/audited-assessment-service.js';
import { CONNECTOR_RETRY } from './tencs/connector-retry.js';
import { PrivacyService } from './tencs/privacy-service.js';
import { NOTE_RATE, ShareService } from './tencs/share-service.js';
import { createRemovalNotifier } from './tencs/share-removal.js';
import { createTeamMembership } from './tencs/team-membership.js';
import { TogetherService } from './tencs/together.js';

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
  readonly sharing: ShareService;
  readonly storageHealthy: () => Promise<boolean>;
}

/** The composition root shared by index.ts, the tests and the benchmark: every service is built here, once. */
export async function buildDependencies(config: Config, logger: Logger): Promise<Dependencies> {
  const tables = await createTableFactory(config);
  // Config only allows no keys on a local run (auth disabled on loopback): use a generated dev key there.
  const keys = config.encryptionKeys.length > 0 ? config.encryptionKeys : [loadOrCreateDevKey(config.devKeyFile)];
  const cipher = createFieldCipher(keys);

  const assessmentRepository = new AssessmentRepository(tables, cipher);
  const audit = new AuditRepository(tables, logger);
  const teams = new TeamRepository(tables);
  const shares = new ShareRepository(tables, cipher);

  // The host config names (BOT_HOST): its connector gives one channel port (proactive posts, card
  // replacement, membership checks); the interaction table is bound to it once the services exist.
  const host = await createHost(config, logger);
  const port = host.port;
  const retry = CONNECTOR_RETRY;

  const assessments: AssessmentService = new AuditedAssessmentService(assessmentRepository, audit);
  const privacy = new PrivacyService(new TableRetentionScan(tables), assessmentRepository, audit, {
    retentionDays: config.retentionDays,
    auditRetentionDays: config.auditRetentionDays,
    queues: { deletions: new DeletionQueue(tables), cards: new CardReplacementQueue(tables) },
    shares: {
      cleanup: new ShareCleanup(tables),
      repository: shares,
      notifyRemoved: createRemovalNotifier({ port, render: renderSummaryView, retry, logger }),
    },
  });
  const sharing = new ShareService({
    teams,
    shares,
    owned: assessments,
    lookup: assessmentRepository,
    audit,
    port,
    render: renderSummaryView,
    noteLimiter: createRateLimiter(NOTE_RATE),
    retry,
    safeguarding: config.safeguarding,
  });

  const table = buildInteractions({
    assessments,
    together: new TogetherService(assessments),
    privacy,
    sharing,
    teams,
    isTeamMember: createTeamMembership({ teams, port, retry, logger }),
    limiter: createRateLimiter(config.rateLimit),
    retention: { retentionDays: config.retentionDays, auditRetentionDays: config.auditRetentionDays },
  });
  const bot = host.bind(table);

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
    sharing,
    storageHealthy: () => pingTables(tables),
  };
}
