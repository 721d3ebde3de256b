import { odata, type TableClient, type TableEntity } from '@azure/data-tables';
import { z } from 'zod';
import {
  AGE_BANDS,
  ASSESSMENT_ID_PATTERN,
  AssessmentSchema,
  OFFLINE_FACTORS,
  PARTICIPANTS,
  PlanStepSchema,
  HARM_FROM,
  SAFETY_FLAGS,
  TrianglePlacementSchema,
  RESILIENCE_LEVELS,
  RISK_LEVELS,
  STATUSES,
  STEPS,
  type Assessment,
  type CAnswer,
  type Status,
} from '../tencs/assessment.js';
import type { Owner } from '../tencs/owner.js';
import { assessmentIdFor } from '../tencs/assessment.js';
import type { AssessmentMeta, AssessmentStore, StoredAssessment } from '../tencs/ports.js';
import { C_IDS, type CId } from '../tencs/ten-cs.js';
import { ConflictError, CorruptEntityError } from './errors.js';
import type { FieldCipher } from './field-cipher.js';
import { ownerKey } from './owner-key.js';
import { forEachPage } from './batch.js';
import { TableCall } from './table-call.js';
import type { TableFactory } from './tables.js';

/** Logical table name; the deployment prefix is added by the TableFactory. */
export const ASSESSMENTS_TABLE = 'assessments';

/** Pages a listing follows at most; the service asks for the first page only in practice. */
const MAX_LIST_PAGES = 5;

export { ASSESSMENT_ID_PATTERN, assessmentIdFor };
export type { AssessmentMeta, StoredAssessment };

// `handOver`: the hand-over marker while a row moves (src/storage/hand-over-store.ts), so the listing itself says which rows may be hidden.
const META_COLUMNS = ['RowKey', 'status', 'step', 'rev', 'caseRef', 'createdAt', 'updatedAt', 'completedAt', 'handOver'];

const C_TEXT = ['strengths', 'vulnerabilities', 'youngPersonView', 'parentView', 'nextSteps'] as const;
const COMPOSITE_TEXT = ['offlineOther', 'analysis', 'impact'] as const;

const cPrefix = (id: CId) => `c${C_IDS.indexOf(id) + 1}`;
const prop = (prefix: string, field: string) => `${prefix}${field[0]!.toUpperCase()}${field.slice(1)}`;

const MetaEntitySchema = z.object({
  rowKey: z.string().regex(ASSESSMENT_ID_PATTERN),
  status: z.enum(STATUSES),
  step: z.enum(STEPS),
  rev: z.number().int().nonnegative(),
  caseRef: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.string().optional(),
  handOver: z.string().optional(),
});

const jsonText = z.string().transform((s, ctx) => {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'not JSON' });
    return z.NEVER;
  }
});

const jsonList = <T extends string>(values: readonly [T, ...T[]]) => jsonText.pipe(z.array(z.enum(values)));

const jsonObject = jsonText.pipe(z.record(z.string(), z.number().int().nonnegative()));

function toMeta(entity: Record<string, unknown>): AssessmentMeta {
  const parsed = MetaEntitySchema.safeParse(entity);
  if (!parsed.success) throw new CorruptEntityError(`Assessment listing row does not match the schema: ${parsed.error.issues[0]?.path.join('.') ?? ''}`);
  const m = parsed.data;
  return {
    id: m.rowKey,
    caseRef: m.caseRef,
    status: m.status,
    step: m.step,
    rev: m.rev,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    completedAt: m.completedAt,
    ...(m.handOver ? { handOver: m.handOver } : {}),
  };
}

/** The plan fields added after the first release: absent on older entities, so they stay readable. */
function optionalPlan(who: string, by: string, more: string, parse: <S extends z.ZodTypeAny>(schema: S, value: unknown, what: string) => z.output<S>) {
  return {
    ...(who ? { nextStepsWho: who } : {}),
    ...(by ? { nextStepsBy: by } : {}),
    ...(more ? { moreSteps: parse(jsonText.pipe(z.array(PlanStepSchema)), more, 'next steps') } : {}),
  };
}

/** The C10 fields added after the first release, present only when they were stored. */
function optionalComposite(
  entity: Record<string, unknown>,
  text: (name: string) => string,
  parse: <S extends z.ZodTypeAny>(schema: S, value: unknown, what: string) => z.output<S>,
) {
  const safetyDone = text('compositeSafetyDone');
  const flags = text('compositeSafetyFlags');
  const harmFrom = text('compositeHarmFrom');
  const triangle = entity.compositeTriangle;
  const referral = entity.compositeReferralMadeOn;
  const strategy = entity.compositeStrategyDiscussionOn;
  return {
    ...(safetyDone ? { safetyDone } : {}),
    ...(flags ? { safetyFlags: parse(jsonList(SAFETY_FLAGS), flags, 'safety flags') } : {}),
    ...(harmFrom ? { harmFrom: parse(jsonList(HARM_FROM), harmFrom, 'who is harming') } : {}),
    ...(typeof triangle === 'string' ? { triangle: parse(jsonText.pipe(TrianglePlacementSchema), triangle, 'triangle placement') } : {}),
    ...(entity.compositeTriangleConfirmed === true ? { triangleConfirmed: true } : {}),
    ...(typeof referral === 'string' ? { referralMadeOn: referral } : {}),
    ...(typeof strategy === 'string' ? { strategyDiscussionOn: strategy } : {}),
  };
}

/** Options for the repository; every storage call has a deadline so a turn stays inside Teams' 15 seconds. */
export interface AssessmentRepositoryOptions {
  readonly timeoutMs?: number;
}

/**
 * Assessments in Table Storage: PartitionKey = the owner's key, RowKey = the assessment id, one entity
 * per assessment, every free-text field its own encrypted property. A lookup only ever happens inside
 * the caller's own partition, so another practitioner's id is simply not found.
 */
export class AssessmentRepository implements AssessmentStore {
  private readonly client: TableClient;
  private readonly table: TableCall;

  constructor(
    tables: TableFactory,
    private readonly cipher: FieldCipher,
    options: AssessmentRepositoryOptions = {},
  ) {
    this.client = tables.table(ASSESSMENTS_TABLE);
    this.table = new TableCall(this.client, options.timeoutMs ?? 5000);
  }

  /** Creates a new assessment; throws ConflictError('exists') when the id is already taken in this partition. */
  async create(assessment: Assessment, handOver?: string): Promise<StoredAssessment> {
    const entity = this.toEntity(assessment);
    // A hand-over's copy is written with its marker in the same create, so it is never briefly unmarked.
    if (handOver) entity.handOver = handOver;
    const response = await this.call('create', () => this.client.createEntity(entity, { abortSignal: this.deadline() }), {
      409: () => new ConflictError('exists', 'An assessment with this id already exists'),
    });
    return { assessment, etag: response.etag ?? '' };
  }

  /** Reads one of the owner's assessments, or undefined if the owner has none with this id. */
  async get(owner: Owner, id: string): Promise<StoredAssessment | undefined> {
    if (!ASSESSMENT_ID_PATTERN.test(id)) return undefined;
    const pk = ownerKey(owner);
    const entity = await this.table.orUndefined('get', () => this.client.getEntity(pk, id, { abortSignal: this.deadline() }));
    if (!entity) return undefined;
    const handOver = typeof entity.handOver === 'string' && entity.handOver !== '' ? entity.handOver : undefined;
    return { assessment: this.fromEntity(entity), etag: entity.etag, ...(handOver ? { handOver } : {}) };
  }

  /** Replaces the whole entity if its ETag still matches; returns the new ETag. 412 -> ConflictError('changed'). */
  async replace(assessment: Assessment, etag: string): Promise<string> {
    const entity = this.toEntity(assessment);
    const response = await this.call('replace', () => this.client.updateEntity(entity, 'Replace', { etag, abortSignal: this.deadline() }), {
      412: () => new ConflictError('changed', 'The assessment changed since it was read'),
      404: () => new ConflictError('changed', 'The assessment was deleted since it was read'),
    });
    return response.etag ?? '';
  }

  /** The owner's newest assessments first (one partition query, meta columns only). */
  async listForOwner(owner: Owner, top = 20, status?: Status): Promise<AssessmentMeta[]> {
    const pk = ownerKey(owner);
    const filter = status ? odata`PartitionKey eq ${pk} and status eq ${status}` : odata`PartitionKey eq ${pk}`;
    const page = await this.call('list', async () => {
      const pages = this.client.listEntities({ queryOptions: { filter, select: META_COLUMNS }, abortSignal: this.deadline() }).byPage({ maxPageSize: top });
      // A filtered query may come back short with a continuation token; follow a few pages, never unbounded.
      const rows: Record<string, unknown>[] = [];
      for (let i = 0; i < MAX_LIST_PAGES && rows.length < top; i++) {
        const next = await pages.next();
        if (next.done) break;
        rows.push(...next.value);
      }
      return rows;
    });
    return page.slice(0, top).map(toMeta);
  }

  /**
   * Every one of the owner's assessments (meta columns only), following every page: for the data-rights
   * commands, which must be complete however many assessments the owner has. One partition, never a scan.
   */
  async listAllForOwner(owner: Owner): Promise<AssessmentMeta[]> {
    const pk = ownerKey(owner);
    const out: AssessmentMeta[] = [];
    await forEachPage(this.table, 'list-all', { filter: odata`PartitionKey eq ${pk}`, select: META_COLUMNS }, (rows) => {
      for (const entity of rows) out.push(toMeta(entity));
    });
    return out;
  }

  /** Deletes one of the owner's assessments; false when there was nothing to delete. */
  async delete(owner: Owner, id: string): Promise<boolean> {
    if (!ASSESSMENT_ID_PATTERN.test(id)) return false;
    const pk = ownerKey(owner);
    const deleted = await this.table.orUndefined('delete', () => this.client.deleteEntity(pk, id, { abortSignal: this.deadline() }));
    return deleted !== undefined;
  }

  private deadline(): AbortSignal {
    return this.table.deadline();
  }

  private call<T>(operation: string, fn: () => Promise<T>, named: Record<number, () => Error> = {}): Promise<T> {
    return this.table.run(operation, fn, named);
  }

  private context(pk: string, rk: string, field: string): string {
    return `${ASSESSMENTS_TABLE}|${pk}|${rk}|${field}`;
  }

  private toEntity(a: Assessment): TableEntity {
    const partitionKey = ownerKey({ tenantId: a.tenantId, aadObjectId: a.ownerId });
    const rowKey = a.id;
    const entity: TableEntity = {
      partitionKey,
      rowKey,
      v: 1,
      tenantId: a.tenantId,
      ownerId: a.ownerId,
      status: a.status,
      step: a.step,
      rev: a.rev,
      stepRevs: JSON.stringify(a.stepRevs),
      cautionsAcknowledged: a.cautionsAcknowledged,
      createdAt: a.createdAt,
      updatedAt: a.updatedAt,
    };
    const text = (name: string, value: string) => {
      // Empty answers are left out rather than stored encrypted: absence reads back as ''.
      if (value !== '') entity[name] = this.cipher.encrypt(value, this.context(partitionKey, rowKey, name));
    };
    if (a.completedAt) entity.completedAt = a.completedAt;
    if (a.carried && Object.keys(a.carried).length > 0) entity.carried = JSON.stringify(a.carried);
    if (a.previousId) entity.previousId = a.previousId;
    if (a.reviewOn) entity.reviewOn = a.reviewOn;
    if (a.setup) {
      entity.caseRef = a.setup.caseRef;
      entity.ageBand = a.setup.ageBand;
      entity.participants = JSON.stringify(a.setup.participants);
      entity.assessedOn = a.setup.assessedOn;
      text('participantsOther', a.setup.participantsOther);
    }
    for (const id of C_IDS) {
      const answer = a.answers[id];
      if (!answer) continue;
      const p = cPrefix(id);
      entity[prop(p, 'risk')] = answer.risk;
      entity[prop(p, 'resilience')] = answer.resilience;
      entity[prop(p, 'skipped')] = answer.skipped;
      for (const field of C_TEXT) text(prop(p, field), answer[field]);
      // Who and when are part of the plan about the child: encrypted like the rest of it.
      text(prop(p, 'nextStepsWho'), answer.nextStepsWho ?? '');
      text(prop(p, 'nextStepsBy'), answer.nextStepsBy ?? '');
      if (answer.moreSteps && answer.moreSteps.length > 0) text(prop(p, 'moreSteps'), JSON.stringify(answer.moreSteps));
    }
    if (a.composite) {
      entity.compositeFactors = JSON.stringify(a.composite.offlineFactors);
      for (const field of COMPOSITE_TEXT) text(prop('composite', field), a.composite[field]);
      // What calls for safety routes says a lot about the child: encrypted, though it is only ids.
      text('compositeSafetyDone', a.composite.safetyDone ?? '');
      if (a.composite.safetyFlags && a.composite.safetyFlags.length > 0) text('compositeSafetyFlags', JSON.stringify(a.composite.safetyFlags));
      if (a.composite.harmFrom && a.composite.harmFrom.length > 0) text('compositeHarmFrom', JSON.stringify(a.composite.harmFrom));
      if (a.composite.triangle) entity.compositeTriangle = JSON.stringify(a.composite.triangle);
      if (a.composite.triangleConfirmed) entity.compositeTriangleConfirmed = true;
      if (a.composite.referralMadeOn) entity.compositeReferralMadeOn = a.composite.referralMadeOn;
      if (a.composite.strategyDiscussionOn) entity.compositeStrategyDiscussionOn = a.composite.strategyDiscussionOn;
    }
    return entity;
  }

  private fromEntity(entity: Record<string, unknown> & { partitionKey?: string; rowKey?: string }): Assessment {
    const pk = String(entity.partitionKey);
    const rk = String(entity.rowKey);
    const str = (name: string) => {
      const v = entity[name];
      return typeof v === 'string' ? v : undefined;
    };
    const text = (name: string) => {
      const v = str(name);
      return v === undefined ? '' : this.cipher.decrypt(v, this.context(pk, rk, name));
    };
    const parse = <S extends z.ZodTypeAny>(schema: S, value: unknown, what: string): z.output<S> => {
      const r = schema.safeParse(value);
      if (!r.success) throw new CorruptEntityError(`Assessment ${what} does not match the schema`);
      return r.data as z.output<S>;
    };
    const answers: Partial<Record<CId, CAnswer>> = {};
    for (const id of C_IDS) {
      const p = cPrefix(id);
      if (entity[prop(p, 'risk')] === undefined) continue;
      answers[id] = {
        risk: parse(z.enum(RISK_LEVELS), entity[prop(p, 'risk')], 'risk'),
        resilience: parse(z.enum(RESILIENCE_LEVELS), entity[prop(p, 'resilience')], 'resilience'),
        skipped: entity[prop(p, 'skipped')] === true,
        strengths: text(prop(p, 'strengths')),
        vulnerabilities: text(prop(p, 'vulnerabilities')),
        youngPersonView: text(prop(p, 'youngPersonView')),
        parentView: text(prop(p, 'parentView')),
        nextSteps: text(prop(p, 'nextSteps')),
        ...optionalPlan(text(prop(p, 'nextStepsWho')), text(prop(p, 'nextStepsBy')), text(prop(p, 'moreSteps')), parse),
      };
    }
    const candidate = {
      id: rk,
      tenantId: entity.tenantId,
      ownerId: entity.ownerId,
      status: entity.status,
      step: entity.step,
      cautionsAcknowledged: entity.cautionsAcknowledged,
      rev: entity.rev,
      stepRevs: parse(jsonObject, str('stepRevs') ?? '{}', 'step revisions'),
      createdAt: entity.createdAt,
      updatedAt: entity.updatedAt,
      completedAt: str('completedAt'),
      carried: str('carried') === undefined ? undefined : parse(jsonText.pipe(z.record(z.string(), z.string())), str('carried'), 'carried marks'),
      previousId: str('previousId'),
      reviewOn: str('reviewOn'),
      setup:
        str('caseRef') === undefined
          ? undefined
          : {
              caseRef: str('caseRef'),
              ageBand: parse(z.enum(AGE_BANDS), entity.ageBand, 'age band'),
              participants: parse(jsonList(PARTICIPANTS), entity.participants, 'participants'),
              participantsOther: text('participantsOther'),
              assessedOn: str('assessedOn'),
            },
      answers,
      composite:
        str('compositeFactors') === undefined
          ? undefined
          : {
              offlineFactors: parse(jsonList(OFFLINE_FACTORS), entity.compositeFactors, 'offline factors'),
              offlineOther: text('compositeOfflineOther'),
              analysis: text('compositeAnalysis'),
              impact: text('compositeImpact'),
              ...optionalComposite(entity, text, parse),
            },
    };
    const parsed = AssessmentSchema.safeParse(candidate);
    if (!parsed.success) {
      throw new CorruptEntityError(`Assessment entity does not match the schema at ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
    }
    // The partition is the owner: an entity whose owner columns disagree with its key was not written by us.
    if (ownerKey({ tenantId: parsed.data.tenantId, aadObjectId: parsed.data.ownerId }) !== pk) {
      throw new CorruptEntityError('Assessment owner does not match its partition');
    }
    return parsed.data;
  }
}
