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
import { createMembershipCheck, createTeamMembership } from './tencs/team-membership.js';
import { ReassignService } from './tencs/cycle/reassign.js';
import { TogetherService } from './tencs/together.js';
import type { PersonalPort } from './bot/personal-port-type.js';
import { handOverOfferCard, retentionWarningCard } from './cards/cycle-cards.js';
import { TableCaseKeepStore } from './storage/case-keep-store.js';
import { TableCycleData } from './storage/cycle-data.js';
import { HandOverStore } from './storage/hand-over-store.js';
import { OwnedAssessmentStore } from './storage/owned-assessment-store.js';
import { TablePersonalChatDirectory } from './storage/personal-chat-store.js';
import { TableReminderStore } from './storage/reminder-store.js';
import { CycleService, type PersonalMessage } from './tencs/cycle/cycle-service.js';

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
  /** The case over time (issue 16): its service, the stores its jobs read, and the personal-chat port. */
  readonly cycle: CycleService;
  readonly reminders: TableReminderStore;
  readonly handOvers: HandOverStore;
  readonly caseKeeps: TableCaseKeepStore;
  readonly personalChats: TablePersonalChatDirectory;
  readonly personal: PersonalPort;
}

/** Test seams: the clock the cycle's services read (the job runner has its own). */
export interface DependencyOptions {
  readonly now?: () => Date;
}

/** The composition root shared by index.ts, the tests and the benchmark: every service is built here, once. */
export async function buildDependencies(config: Config, logger: Logger, options: DependencyOptions = {}): Promise<Dependencies> {
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

  // Hand-over: every read and write of an assessment applies its rule (docs/hand-over.md), so a handed-over
  // assessment is refused to its former owner and "my assessments" and delete leave out what moved away.
  const handOvers = new HandOverStore(tables, assessmentRepository, audit, options.now ? { now: options.now } : {});
  const owned = new OwnedAssessmentStore(assessmentRepository, handOvers);
  const assessments: AssessmentService = new AuditedAssessmentService(owned, audit, options.now);
  const reminders = new TableReminderStore(tables);
  const caseKeeps = new TableCaseKeepStore(tables);
  const personalChats = new TablePersonalChatDirectory(tables);
  const renderPersonal = (m: PersonalMessage) => (m.kind === 'hand-over-offer' ? handOverOfferCard(m.record) : retentionWarningCard(m.caseRef, m.deleteAfter));
  const personal = host.personal(personalChats, renderPersonal);
  const cycle = new CycleService(owned, reminders, handOvers, personal, audit, caseKeeps, config.cycle, options.now);
  const privacy = new PrivacyService(new TableRetentionScan(tables), owned, audit, {
    cases: cycle,
    cycleData: new TableCycleData(tables),
    handOvers,
    personalChats,
    caseRetentionDays: config.cycle.caseRetentionDays,
    ...(options.now ? { now: options.now } : {}),
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
    retention: { retentionDays: config.retentionDays, auditRetentionDays: config.auditRetentionDays, caseRetentionDays: config.cycle.caseRetentionDays },
    cycle,
    personalChats,
    reassign: new ReassignService(
      { sharesForCaseRef: (tenantId, caseRef) => audit.sharesForCaseRef(tenantId, caseRef), get: (tenantId, shareId) => shares.get(tenantId, shareId) },
      createMembershipCheck({ teams, port, retry, logger }),
      handOvers,
      personal,
    ),
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
    cycle,
    reminders,
    handOvers,
    caseKeeps,
    personalChats,
    personal,
  };
}
