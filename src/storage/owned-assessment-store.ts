import type { Assessment, Status } from '../tencs/assessment.js';
import { sameCaseRef } from '../tencs/audit.js';
import type { Owner } from '../tencs/owner.js';
import type { AssessmentMeta, AssessmentStore, StoredAssessment } from '../tencs/ports.js';
import type { AssessmentRepository } from './assessment-repository.js';
import { ConflictError } from './errors.js';
import type { HandOverStore } from './hand-over-store.js';

/** The ETag given for a row being handed over: no stored row ever has it. */
const READ_ONLY_ETAG = 'W/"tencs-hand-over-read-only"';

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
    const { readOnly, ...stored } = owned;
    // Being handed over: readable, but no write can match this ETag (Table Storage answers 412), so a
    // save is a conflict without costing every ordinary save an extra read.
    return readOnly ? { ...stored, etag: READ_ONLY_ETAG } : stored;
  }

  async replace(assessment: Assessment, etag: string): Promise<string> {
    // The ETag came from get(): a moving row gave READ_ONLY_ETAG, and marking a row changed its ETag, so
    // a card read before the hand-over conflicts too. A handed-over row is not found by get() at all.
    if (etag === READ_ONLY_ETAG) throw new ConflictError('changed', 'The assessment is being handed over');
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
