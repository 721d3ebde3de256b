import type { Assessment, Status } from '../tencs/assessment.js';
import { sameCaseRef } from '../tencs/audit.js';
import type { Owner } from '../tencs/owner.js';
import type { AssessmentMeta, AssessmentStore, StoredAssessment } from '../tencs/ports.js';
import type { AssessmentRepository } from './assessment-repository.js';
import { ConflictError } from './errors.js';
import type { HandOverStore } from './hand-over-store.js';

/**
 * The assessments as their owners may use them while hand-overs happen (docs/hand-over.md): a row the
 * asker no longer owns (handed over) or does not yet own (a copy before the commit) is not found, "my
 * assessments" leaves such rows out, and a row being moved is read only (a write is a conflict).
 */
export class OwnedAssessmentStore implements AssessmentStore {
  constructor(
    private readonly repo: AssessmentRepository,
    private readonly handOvers: HandOverStore,
  ) {}

  create(assessment: Assessment): Promise<StoredAssessment> {
    return this.repo.create(assessment);
  }

  async get(owner: Owner, id: string): Promise<StoredAssessment | undefined> {
    const s = await this.repo.get(owner, id);
    if (!s?.handOver) return s;
    const owned = await this.handOvers.owned(owner, id);
    if (!owned) return undefined;
    const { readOnly: _r, ...stored } = owned;
    return stored;
  }

  async replace(assessment: Assessment, etag: string): Promise<string> {
    const owner = { tenantId: assessment.tenantId, aadObjectId: assessment.ownerId };
    const owned = await this.handOvers.owned(owner, assessment.id);
    // Being handed over (read only) or gone to a colleague: the card in hand is out of date.
    if (!owned || owned.readOnly) throw new ConflictError('changed', 'The assessment is being handed over or was handed over');
    return this.repo.replace(assessment, etag);
  }

  async listForOwner(owner: Owner, top?: number, status?: Status): Promise<AssessmentMeta[]> {
    return this.handOvers.visible(owner, await this.repo.listForOwner(owner, top, status));
  }

  async listAllForOwner(owner: Owner): Promise<AssessmentMeta[]> {
    return this.handOvers.visible(owner, await this.repo.listAllForOwner(owner));
  }

  /** Every assessment of one case reference the owner may use: the owner's partition, every page, no table scan. */
  async listForCase(owner: Owner, caseRef: string): Promise<AssessmentMeta[]> {
    return (await this.listAllForOwner(owner)).filter((m) => sameCaseRef(m.caseRef, caseRef));
  }

  async delete(owner: Owner, id: string): Promise<boolean> {
    const s = await this.repo.get(owner, id);
    if (s?.handOver) {
      // A moving row is deleted only by the saga; a handed-over one is no longer the asker's.
      const owned = await this.handOvers.owned(owner, id);
      if (!owned || owned.readOnly) return false;
    }
    return this.repo.delete(owner, id);
  }
}
