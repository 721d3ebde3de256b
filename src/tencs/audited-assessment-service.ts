import type { AssessmentStore, StoredAssessment } from './ports.js';
import { NotFoundError } from './errors.js';
import { ASSESSMENT_ID_PATTERN, type Assessment } from './assessment.js';
import { AssessmentService, type CardRef, type Outcome, type StartRequest, type StepAction } from './assessment-service.js';
import { assessmentAuditRecord, type AuditAction, type AuditLog } from './audit.js';
import type { Owner } from './owner.js';
import type { FormStep } from './step-forms.js';

/** Saves closer together than this belong to one editing session and share one audit entry. */
export const EDIT_SESSION_GAP_MS = 30 * 60 * 1000;

/**
 * The assessment service with every read and write of an assessment recorded in the audit trail,
 * and every refused lookup (someone else's id, or one that does not exist) recorded as "refused".
 * Kept as a subclass so the guided flow's rules stay in one place and the trail cannot be forgotten
 * by a route: every path to an assessment goes through getOwned.
 */
export class AuditedAssessmentService extends AssessmentService {
  constructor(
    repository: AssessmentStore,
    private readonly audit: AuditLog,
    now?: () => Date,
  ) {
    super(repository, now);
  }

  override async getOwned(owner: Owner, id: string): Promise<StoredAssessment> {
    // An id not of an assessment id's shape is nobody's: refused before storage, with nothing of it written down.
    if (!ASSESSMENT_ID_PATTERN.test(id)) throw new NotFoundError('Not an assessment id');
    try {
      return await super.getOwned(owner, id);
    } catch (error) {
      if (error instanceof NotFoundError) {
        await this.audit.record({
          actorTenantId: owner.tenantId,
          actorId: owner.aadObjectId,
          action: 'refused',
          assessmentId: id,
        });
      }
      throw error;
    }
  }

  override async start(owner: Owner, request: StartRequest): Promise<Assessment> {
    const assessment = await super.start(owner, request);
    await this.note(owner, 'created', assessment);
    return assessment;
  }

  override async open(owner: Owner, id: string): Promise<Outcome> {
    return this.noted(owner, 'viewed', await super.open(owner, id));
  }

  override async edit(owner: Owner, ref: CardRef, target: FormStep): Promise<Outcome> {
    return this.noted(owner, 'viewed', await super.edit(owner, ref, target), target);
  }

  override async showStep(owner: Owner, ref: CardRef): Promise<Outcome> {
    return this.noted(owner, 'viewed', await super.showStep(owner, ref), ref.step);
  }

  override async acknowledgeCautions(owner: Owner, ref: CardRef): Promise<Outcome> {
    return this.editSession(owner, await super.acknowledgeCautions(owner, ref), 'cautions');
  }

  override async submitStep(owner: Owner, ref: CardRef, action: StepAction, data: Record<string, unknown>): Promise<Outcome> {
    return this.editSession(owner, await super.submitStep(owner, ref, action, data), ref.step);
  }

  override async complete(owner: Owner, ref: CardRef): Promise<Outcome> {
    const outcome = await super.complete(owner, ref);
    if (outcome.kind === 'completed') await this.note(owner, 'completed', outcome.assessment);
    return outcome;
  }

  /**
   * Records "edited" when a save starts an editing session: the first save after EDIT_SESSION_GAP_MS
   * without changes. Saves inside a session are covered by that entry (only the owner can edit, and the
   * assessment keeps its exact last-change time), so a card submit costs one storage write, not two.
   * Outcomes without a write (duplicates, refusals, conflicts) changed nothing and record nothing.
   */
  private async editSession(owner: Owner, outcome: Outcome, detail: string): Promise<Outcome> {
    if ((outcome.kind === 'show' || outcome.kind === 'saved') && outcome.wrote) {
      const quietMs = Date.parse(outcome.assessment.updatedAt) - Date.parse(outcome.wrote.previousUpdatedAt);
      if (!(quietMs < EDIT_SESSION_GAP_MS)) await this.note(owner, 'edited', outcome.assessment, detail);
    }
    return outcome;
  }

  private async noted(owner: Owner, action: AuditAction, outcome: Outcome, detail?: string): Promise<Outcome> {
    const assessment = 'assessment' in outcome ? outcome.assessment : undefined;
    if (assessment) await this.note(owner, action, assessment, detail);
    return outcome;
  }

  private async note(owner: Owner, action: AuditAction, a: Assessment, detail?: string): Promise<void> {
    await this.audit.record(assessmentAuditRecord(owner, action, a, detail));
  }
}
