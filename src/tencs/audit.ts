import { z } from 'zod';
import { ownerKey } from './owner.js';
import type { Assessment } from './assessment.js';
import type { Owner } from './owner.js';

/** The actor recorded for automatic deletions. */
export const SYSTEM_ACTOR = { actorTenantId: 'system', actorId: 'retention-purge' } as const;

/** What can happen to an assessment that an information governance lead may ask about. */
export const AUDIT_ACTIONS = [
  'created',
  'viewed',
  'edited',
  'completed',
  'shared',
  'unshared',
  'acknowledged',
  'exported',
  'deleted',
  'purged',
  'audit-viewed',
  'refused',
  'hand-over-offered',
  'hand-over-declined',
  'hand-over-taken-back',
  'handed-over',
  'received',
  'kept',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Plain-English labels for the audit card. */
export const AUDIT_ACTION_LABELS: Readonly<Record<AuditAction, string>> = {
  created: 'Started the assessment',
  viewed: 'Opened the assessment',
  edited: 'Came back and saved answers',
  completed: 'Completed the assessment',
  shared: 'Shared the summary to a team channel',
  unshared: 'Took the shared summary out of the team channel',
  acknowledged: 'Acknowledged the shared summary',
  exported: 'Exported all stored data',
  deleted: 'Deleted the assessment',
  purged: 'Deleted automatically at the end of the retention period',
  'audit-viewed': 'Viewed this audit trail',
  refused: 'Was refused access (not the owner)',
  'hand-over-offered': 'Offered the assessment to a colleague',
  'hand-over-declined': 'Declined the assessment a colleague offered',
  'hand-over-taken-back': 'Took back the offer to hand over the assessment',
  'handed-over': 'Handed the assessment over to a colleague',
  received: 'Took over the assessment from a colleague',
  kept: 'Chose to keep the case for another retention period',
};

/**
 * A short machine detail (a step id, a verb, a team or channel id), never anything typed:
 * the pattern allows identifier characters only, so free text cannot be smuggled in.
 */
export const AuditDetailSchema = z.string().regex(/^[A-Za-z0-9:@._-]{0,120}$/);

/** One line of the audit trail: who did what to which assessment, and when. Never content. */
export const AuditEntrySchema = z.object({
  at: z.string(),
  actorTenantId: z.string().min(1),
  actorId: z.string().min(1),
  action: z.enum(AUDIT_ACTIONS),
  assessmentId: z.string().min(1),
  /** The assessment owner's partition key, so a trail can be found after the assessment is deleted. */
  ownerKey: z.string().optional(),
  caseRef: z.string().optional(),
  detail: AuditDetailSchema.optional(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

/**
 * Refusals are recorded at most once per person, assessment and kind of action (the detail) in each
 * window of this length: the first one is kept with its time, and repeats in the same window write
 * nothing, so a user pressing refused buttons all day adds at most 24 rows a day per assessment and action.
 */
export const REFUSAL_AUDIT_WINDOW_MS = 60 * 60_000;

/**
 * Refusal rows one person may add in one window, across all assessment ids (each instance counts its
 * own). Someone pressing cards with ever-new, well-shaped ids would otherwise add a row per id; past
 * this, their refusals are counted in the log once per window instead.
 */
export const REFUSAL_ROWS_PER_PERSON_PER_WINDOW = 20;

/** This instance's count of refusal rows per person in the current window. */
export class RefusalBudget {
  private window = Number.NaN;
  private readonly used = new Map<string, number>();

  constructor(private readonly limit = REFUSAL_ROWS_PER_PERSON_PER_WINDOW) {}

  /** Whether this person may write another refusal row at `atMs`: 'write', or 'capped' ('capped-first' the first time in a window). */
  take(tenantId: string, actorId: string, atMs: number): 'write' | 'capped-first' | 'capped' {
    const window = Math.floor(atMs / REFUSAL_AUDIT_WINDOW_MS);
    if (window !== this.window) {
      // A new window starts every count again; the map never holds more than one window's people.
      this.window = window;
      this.used.clear();
    }
    const key = `${tenantId}\n${actorId}`;
    const used = this.used.get(key) ?? 0;
    this.used.set(key, used + 1);
    if (used < this.limit) return 'write';
    return used === this.limit ? 'capped-first' : 'capped';
  }

  /** Gives back a row that turned out to be a repeat of one already written. */
  refund(tenantId: string, actorId: string): void {
    const key = `${tenantId}\n${actorId}`;
    const used = this.used.get(key);
    if (used !== undefined && used > 0 && used <= this.limit) this.used.set(key, used - 1);
  }
}

/** What a caller records; the time is added by the log unless given (tests, purge). */
export type AuditRecord = Omit<AuditEntry, 'at'> & { readonly at?: string };

/** The append-only audit trail as the domain sees it. */
export interface AuditLog {
  record(entry: AuditRecord): Promise<void>;
  /** Every entry for these assessments, oldest first. */
  listForAssessments(assessmentIds: readonly string[]): Promise<AuditEntry[]>;
  /** Ids of assessments of this owner that were ever recorded under this case reference (including deleted ones). */
  assessmentIdsForCaseRef(ownerKey: string, caseRef: string): Promise<string[]>;
}

/** Case references compare without regard to case or surrounding space. */
export function sameCaseRef(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** The audit record of `actor` doing `action` to assessment `a`: ids and case reference, never content. */
export function assessmentAuditRecord(actor: Owner, action: AuditAction, a: Assessment, detail?: string): AuditRecord {
  return {
    actorTenantId: actor.tenantId,
    actorId: actor.aadObjectId,
    action,
    assessmentId: a.id,
    ownerKey: ownerKey({ tenantId: a.tenantId, aadObjectId: a.ownerId }),
    ...(a.setup?.caseRef ? { caseRef: a.setup.caseRef } : {}),
    ...(detail ? { detail } : {}),
  };
}
