import type { Assessment, Status, Step } from './assessment.js';
import type { AuditEntry, AuditLog } from './audit.js';
import type { Owner } from './owner.js';
import type { Share } from './sharing.js';

// The domain's ports: what it needs from a store, in its own terms. src/storage implements them over
// Table Storage (mapping @azure errors to ./errors.ts); test/helpers/memory-stores.ts implements them in memory.
// Sharing's ports (TeamStore, ShareStore, ChannelPort) are declared beside ShareService in share-service.ts.

/** An assessment as read, with the ETag a later write must match. */
export interface StoredAssessment {
  readonly assessment: Assessment;
  readonly etag: string;
  /** Set while the assessment is being handed over ("<hand-over id>|out" or "|in"); see docs/hand-over.md. */
  readonly handOver?: string;
}

/** The columns "my assessments" needs; no free text beyond the pseudonymous case reference. */
export interface AssessmentMeta {
  readonly id: string;
  readonly caseRef: string | undefined;
  readonly status: Status;
  readonly step: Step;
  readonly rev: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly completedAt: string | undefined;
  /** The hand-over marker while the row is moving ("<hand-over id>|out" or "|in"); absent otherwise. */
  readonly handOver?: string;
}

/** Where assessments live, one partition per owner: 404 is undefined, a lost race is a ConflictError. */
export interface AssessmentStore {
  /** Creates; ConflictError('exists') when the id is taken. */
  create(assessment: Assessment): Promise<StoredAssessment>;
  get(owner: Owner, id: string): Promise<StoredAssessment | undefined>;
  /** Replaces if the ETag still matches (ConflictError('changed') if not); the new ETag. */
  replace(assessment: Assessment, etag: string): Promise<string>;
  /** Newest first. */
  listForOwner(owner: Owner, top?: number, status?: Status): Promise<AssessmentMeta[]>;
  /** Every one of the owner's assessments, however many (the data-rights commands must be complete); newest first. */
  listAllForOwner(owner: Owner): Promise<AssessmentMeta[]>;
  /** True when something was deleted. */
  delete(owner: Owner, id: string): Promise<boolean>;
}

/** Options for one audit record. */
export interface RecordOptions {
  /** Makes the entry idempotent: the same key and time is one entry however often it is recorded (a resumed job). */
  readonly idempotencyKey?: string;
}

/** The audit trail as privacy needs it: the log, plus case-reference look-ups and the purge of old entries. */
export interface AuditStore extends AuditLog {
  record(entry: Parameters<AuditLog['record']>[0], options?: RecordOptions): Promise<void>;
  /** Assessment and team of every share recorded in this tenant under this case reference. */
  sharesForCaseRef(tenantId: string, caseRef: string): Promise<{ assessmentId: string; teamId: string }[]>;
  /** Deletes entries older than the cutoff, a page at a time (`signal` stops it between pages); how many. */
  purgeOlderThan(cutoff: Date, signal?: AbortSignal): Promise<number>;
}

/** The keys and ids of an assessment past retention; no answer is read. */
export interface StaleAssessment {
  readonly partitionKey: string;
  readonly rowKey: string;
  readonly etag: string;
  readonly caseRef: string | undefined;
  readonly status: string | undefined;
}

/** Finding and deleting assessments unchanged since a date, across every owner. */
export interface RetentionScan {
  findStale(cutoff: Date): Promise<StaleAssessment[]>;
  /** Deletes it only if it is still unchanged (its ETag matches; '*' matches any); false when it changed or is gone. */
  deleteIfUnchanged(stale: StaleAssessment): Promise<boolean>;
}

/** The shares of one assessment, found and deleted when the assessment is. */
export interface ShareCleanupPort {
  sharesOf(tenantId: string, assessmentId: string): Promise<Share[]>;
  /** Deletes the share's acknowledgements and notes, then the share; idempotent and resumable. */
  deleteShare(share: Share, signal?: AbortSignal): Promise<void>;
}

/**
 * A deletion under way: written before anything is deleted and removed after the last step, so a
 * deletion cut short (a crash, a storage outage, a lost lease) is finished by the next job run.
 */
export interface PendingDeletion {
  readonly ownerKey: string;
  readonly assessmentId: string;
  /** 'deleted' by its owner, or 'purged' by retention (then only if unchanged since the scan: etag). */
  readonly action: 'deleted' | 'purged';
  readonly actorTenantId: string;
  readonly actorId: string;
  readonly etag?: string | undefined;
  readonly caseRef?: string | undefined;
  readonly detail?: string | undefined;
  /** When the deletion was decided; also the time of its audit entry, which makes that entry idempotent. */
  readonly at: string;
}

/** Deletions under way, one row per owner and assessment. */
export interface DeletionQueuePort {
  put(d: PendingDeletion): Promise<void>;
  remove(d: PendingDeletion): Promise<void>;
  /** Up to `max` deletions left unfinished. */
  list(max?: number): Promise<PendingDeletion[]>;
}

/** A channel card still to be replaced with the "removed" card. */
export interface CardReplacement {
  readonly share: Share;
  readonly attempts: number;
  /** Not before this time (ms since the epoch). */
  readonly notBefore: number;
  /** When it was first queued (ms since the epoch). */
  readonly queuedAt: number;
  readonly lastFailure: string | undefined;
  readonly etag: string;
}

/** Channel cards to replace, durably: queued before the share's rows go, removed once Teams took the card (or gave up). */
export interface CardQueuePort {
  /** Queues the share's card (once: a second put of the same share keeps the first). */
  put(share: Share, nowMs: number): Promise<void>;
  done(tenantId: string, shareId: string): Promise<void>;
  /** Records a failed attempt; false when another instance changed the row meanwhile. */
  failed(item: CardReplacement, notBefore: number, failure: string): Promise<boolean>;
  get(tenantId: string, shareId: string): Promise<CardReplacement | undefined>;
  /** Queued replacements due by `nowMs`, oldest first, at most `max`. */
  due(nowMs: number, max?: number): Promise<CardReplacement[]>;
}

export type { AuditEntry };
