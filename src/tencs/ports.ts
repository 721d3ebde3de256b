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
  /** True when something was deleted. */
  delete(owner: Owner, id: string): Promise<boolean>;
}

/** The audit trail as privacy needs it: the log, plus case-reference look-ups and the purge of old entries. */
export interface AuditStore extends AuditLog {
  /** Assessment and team of every share recorded in this tenant under this case reference. */
  sharesForCaseRef(tenantId: string, caseRef: string): Promise<{ assessmentId: string; teamId: string }[]>;
  /** Deletes entries older than the cutoff; how many. */
  purgeOlderThan(cutoff: Date): Promise<number>;
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
  /** Deletes it only if it is still unchanged (its ETag matches); false when it changed or is gone. */
  deleteIfUnchanged(stale: StaleAssessment): Promise<boolean>;
}

/** The shares of one assessment, found and deleted when the assessment is. */
export interface ShareCleanupPort {
  sharesOf(tenantId: string, assessmentId: string): Promise<Share[]>;
  deleteShare(share: Share): Promise<void>;
}

export type { AuditEntry };
