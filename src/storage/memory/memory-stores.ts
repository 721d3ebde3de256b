import { randomUUID } from 'node:crypto';
import type { Assessment, Status } from '../../tencs/assessment.js';
import { AuditEntrySchema, REFUSAL_AUDIT_WINDOW_MS, RefusalBudget, type AuditEntry, type AuditRecord } from '../../tencs/audit.js';
import { ConflictError } from '../../tencs/errors.js';
import { ownerKey, type Owner } from '../../tencs/owner.js';
import type {
  AssessmentMeta,
  AssessmentStore,
  AuditStore,
  CardQueuePort,
  CardReplacement,
  DeletionQueuePort,
  PendingDeletion,
  RecordOptions,
  RetentionScan,
  ShareCleanupPort,
  StaleAssessment,
  StoredAssessment,
} from '../../tencs/ports.js';
import type { ShareStore, TeamStore } from '../../tencs/share-service.js';
import type { Share, SupervisionEntry, TeamRef } from '../../tencs/sharing.js';

type Ack = Extract<SupervisionEntry, { kind: 'ack' }>;
type Note = Extract<SupervisionEntry, { kind: 'note' }>;

const etag = (): string => `W/"${randomUUID()}"`;
// Copies in and out, so a caller that changes an object it passed or got back changes nothing stored (as with a real store).
const copy = <T>(value: T): T => structuredClone(value);
const caseRefKey = (ref: string): string => ref.trim().toLowerCase();

/**
 * Every domain port in memory, over one shared state (as the tables are shared in Table Storage): the
 * twin of src/storage for tests and for a second host, held to the same contract suites (test/storage/contracts).
 */
export interface MemoryStores {
  readonly assessments: AssessmentStore;
  readonly audit: AuditStore;
  readonly retention: RetentionScan;
  readonly cleanup: ShareCleanupPort;
  readonly teams: TeamStore;
  readonly shares: ShareStore;
  readonly deletions: DeletionQueuePort;
  readonly cards: CardQueuePort;
}

export function createMemoryStores(now: () => Date = () => new Date()): MemoryStores {
  /** ownerKey -> id -> stored assessment. */
  const assessments = new Map<string, Map<string, StoredAssessment>>();
  const audit: (AuditEntry & { caseRefKey?: string })[] = [];
  /** Refusals already written: one row per assessment, person and detail in a window (as the Table Storage row key). */
  const refusalRows = new Set<string>();
  const refusals = new RefusalBudget();
  /** Idempotent audit entries already written (key and time). */
  const idempotent = new Set<string>();
  const pending = new Map<string, PendingDeletion>();
  const cardWork = new Map<string, CardReplacement>();
  const teams = new Map<string, TeamRef>();
  const shares = new Map<string, { share: Share; etag: string }>();
  const supervision = new Map<string, { acks: Map<string, Ack>; notes: Map<string, Note> }>();

  const partition = (key: string): Map<string, StoredAssessment> => {
    let p = assessments.get(key);
    if (!p) assessments.set(key, (p = new Map<string, StoredAssessment>()));
    return p;
  };
  const keyOf = (a: Assessment): string => ownerKey({ tenantId: a.tenantId, aadObjectId: a.ownerId });
  const supervisionOf = (share: Share) => {
    const key = `${share.tenantId}|${share.id}`;
    let s = supervision.get(key);
    if (!s) supervision.set(key, (s = { acks: new Map(), notes: new Map() }));
    return s;
  };

  const assessmentStore: AssessmentStore = {
    async create(assessment) {
      const p = partition(keyOf(assessment));
      if (p.has(assessment.id)) throw new ConflictError('exists', 'An assessment with this id already exists');
      const stored = { assessment: copy(assessment), etag: etag() };
      p.set(assessment.id, stored);
      return copy(stored);
    },
    async get(owner: Owner, id) {
      const found = assessments.get(ownerKey(owner))?.get(id);
      return found && copy(found);
    },
    async replace(assessment, tag) {
      const p = partition(keyOf(assessment));
      const current = p.get(assessment.id);
      if (!current) throw new ConflictError('changed', 'The assessment was deleted since it was read');
      if (current.etag !== tag) throw new ConflictError('changed', 'The assessment changed since it was read');
      const next = { assessment: copy(assessment), etag: etag() };
      p.set(assessment.id, next);
      return next.etag;
    },
    async listForOwner(owner, top = 20, status?: Status) {
      const rows = [...(assessments.get(ownerKey(owner))?.values() ?? [])]
        .map((s) => s.assessment)
        .filter((a) => !status || a.status === status)
        // Ids begin with the inverted creation time, so id order is newest first (as RowKey order is in the table).
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .slice(0, top);
      return rows.map((a): AssessmentMeta => ({
        id: a.id,
        caseRef: a.setup?.caseRef,
        status: a.status,
        step: a.step,
        rev: a.rev,
        createdAt: a.createdAt,
        updatedAt: a.updatedAt,
        completedAt: a.completedAt,
      }));
    },
    async listAllForOwner(owner) {
      return assessmentStore.listForOwner(owner, Number.MAX_SAFE_INTEGER);
    },
    async delete(owner, id) {
      return assessments.get(ownerKey(owner))?.delete(id) ?? false;
    },
  };

  const auditStore: AuditStore = {
    async record(entry: AuditRecord, options: RecordOptions = {}) {
      const parsed = AuditEntrySchema.parse({ ...entry, at: entry.at ?? now().toISOString() });
      if (options.idempotencyKey !== undefined) {
        const key = `${parsed.at}\n${options.idempotencyKey}`;
        if (idempotent.has(key)) return;
        idempotent.add(key);
      }
      if (parsed.action === 'refused') {
        const t = new Date(parsed.at).getTime();
        const at = Number.isNaN(t) ? now().getTime() : t;
        const key = [
          parsed.assessmentId,
          Math.floor((Number.isNaN(t) ? 0 : t) / REFUSAL_AUDIT_WINDOW_MS),
          parsed.actorTenantId,
          parsed.actorId,
          parsed.detail ?? '',
        ].join('\n');
        if (refusalRows.has(key)) return;
        if (refusals.take(parsed.actorTenantId, parsed.actorId, at) !== 'write') return;
        refusalRows.add(key);
      }
      audit.push({ ...parsed, ...(parsed.caseRef !== undefined ? { caseRefKey: caseRefKey(parsed.caseRef) } : {}) });
    },
    async listForAssessments(ids) {
      const wanted = new Set(ids);
      return audit
        .filter((e) => wanted.has(e.assessmentId))
        .map(({ caseRefKey: _key, ...e }) => copy(e))
        .sort((a, b) => a.at.localeCompare(b.at));
    },
    async assessmentIdsForCaseRef(key, caseRef) {
      const ref = caseRefKey(caseRef);
      // The case index: assessments this owner deleted (or retention purged) under the reference.
      return [
        ...new Set(
          audit.filter((e) => (e.action === 'deleted' || e.action === 'purged') && e.ownerKey === key && e.caseRefKey === ref).map((e) => e.assessmentId),
        ),
      ];
    },
    async sharesForCaseRef(tenantId, caseRef) {
      const ref = caseRefKey(caseRef);
      const found = new Map<string, { assessmentId: string; teamId: string }>();
      for (const e of audit) {
        if (e.action === 'shared' && e.actorTenantId === tenantId && e.caseRefKey === ref && e.detail !== undefined)
          found.set(`${e.assessmentId}\n${e.detail}`, { assessmentId: e.assessmentId, teamId: e.detail });
      }
      return [...found.values()];
    },
    async purgeOlderThan(cutoff) {
      const before = cutoff.toISOString();
      const kept = audit.filter((e) => e.at >= before);
      const purged = audit.length - kept.length;
      audit.splice(0, audit.length, ...kept);
      return purged;
    },
  };

  const retention: RetentionScan = {
    async findStale(cutoff) {
      const before = cutoff.toISOString();
      const out: StaleAssessment[] = [];
      for (const [partitionKey, p] of assessments) {
        for (const { assessment: a, etag: tag } of p.values()) {
          if (a.updatedAt < before) out.push({ partitionKey, rowKey: a.id, etag: tag, caseRef: a.setup?.caseRef, status: a.status });
        }
      }
      return out;
    },
    async deleteIfUnchanged(stale) {
      const p = assessments.get(stale.partitionKey);
      const found = p?.get(stale.rowKey);
      if (!p || !found || (stale.etag !== '*' && found.etag !== stale.etag)) return false;
      return p.delete(stale.rowKey);
    },
  };

  const teamStore: TeamStore = {
    async upsert(team) {
      teams.set(`${team.tenantId}|${team.teamId}`, copy(team));
    },
    async get(tenantId, teamId) {
      const t = teams.get(`${tenantId}|${teamId}`);
      return t && copy(t);
    },
    async listForTenant(tenantId) {
      return [...teams.values()]
        .filter((t) => t.tenantId === tenantId)
        .map(copy)
        .sort((a, b) => a.teamName.localeCompare(b.teamName));
    },
    async delete(tenantId, teamId) {
      return teams.delete(`${tenantId}|${teamId}`);
    },
  };

  const shareStore: ShareStore = {
    async create(share) {
      const key = `${share.tenantId}|${share.id}`;
      if (shares.has(key)) throw new ConflictError('exists', 'This assessment is already shared to this team');
      const stored = { share: copy(share), etag: etag() };
      shares.set(key, stored);
      return copy(stored);
    },
    async get(tenantId, shareId) {
      const s = shares.get(`${tenantId}|${shareId}`);
      return s && copy(s);
    },
    async replace(share, tag) {
      const key = `${share.tenantId}|${share.id}`;
      const current = shares.get(key);
      if (!current) throw new ConflictError('changed', 'The share was deleted since it was read');
      if (current.etag !== tag) throw new ConflictError('changed', 'The share changed since it was read');
      const next = { share: copy(share), etag: etag() };
      shares.set(key, next);
      return next.etag;
    },
    async addAck(share, entry) {
      const s = supervisionOf(share);
      if (s.acks.has(entry.authorId)) return false;
      s.acks.set(entry.authorId, copy(entry));
      return true;
    },
    async addNote(share, entry, requestId) {
      const s = supervisionOf(share);
      const key = `${entry.at}|${requestId}`;
      if (s.notes.has(key)) return false;
      s.notes.set(key, copy(entry));
      return true;
    },
    async entries(share) {
      const s = supervisionOf(share);
      return {
        acks: [...s.acks.values()].map(copy).sort((a, b) => a.at.localeCompare(b.at)),
        notes: [...s.notes.values()].map(copy).sort((a, b) => b.at.localeCompare(a.at)),
      };
    },
  };

  const cleanup: ShareCleanupPort = {
    async sharesOf(tenantId, assessmentId) {
      return [...shares.values()]
        .map((s) => s.share)
        .filter((s) => s.tenantId === tenantId && s.assessmentId === assessmentId)
        .map(copy);
    },
    async deleteShare(share) {
      supervision.delete(`${share.tenantId}|${share.id}`);
      shares.delete(`${share.tenantId}|${share.id}`);
    },
  };

  const deletions: DeletionQueuePort = {
    async put(d) {
      pending.set(`${d.ownerKey}|${d.assessmentId}`, copy(d));
    },
    async remove(d) {
      pending.delete(`${d.ownerKey}|${d.assessmentId}`);
    },
    async list(max = 1000) {
      return [...pending.values()].slice(0, max).map(copy);
    },
  };

  const cards: CardQueuePort = {
    async put(share, nowMs) {
      const key = `${share.tenantId}|${share.id}`;
      if (!cardWork.has(key)) cardWork.set(key, { share: copy(share), attempts: 0, notBefore: nowMs, queuedAt: nowMs, lastFailure: undefined, etag: etag() });
    },
    async done(tenantId, shareId) {
      cardWork.delete(`${tenantId}|${shareId}`);
    },
    async failed(item, notBefore, failure) {
      const key = `${item.share.tenantId}|${item.share.id}`;
      const current = cardWork.get(key);
      if (current?.etag !== item.etag) return false;
      cardWork.set(key, { ...current, attempts: item.attempts + 1, notBefore, lastFailure: failure, etag: etag() });
      return true;
    },
    async get(tenantId, shareId) {
      const found = cardWork.get(`${tenantId}|${shareId}`);
      return found && copy(found);
    },
    async due(nowMs, max = 1000) {
      return [...cardWork.values()]
        .filter((c) => c.notBefore <= nowMs)
        .sort((a, b) => a.queuedAt - b.queuedAt)
        .slice(0, max)
        .map(copy);
    },
  };

  return { assessments: assessmentStore, audit: auditStore, retention, cleanup, teams: teamStore, shares: shareStore, deletions, cards };
}
