import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { AssessmentRepository, assessmentIdFor } from '../../src/storage/assessment-repository.js';
import { AUDIT_TABLE, AuditRepository } from '../../src/storage/audit-repository.js';
import { NotFoundError } from '../../src/storage/errors.js';
import { createFieldCipher } from '../../src/storage/field-cipher.js';
import { ownerKey } from '../../src/storage/owner-key.js';
import { createTableFactory, type TableFactory } from '../../src/storage/tables.js';
import { AuditedAssessmentService } from '../../src/tencs/audited-assessment-service.js';
import type { Owner } from '../../src/tencs/owner.js';
import { uniquePrefix } from '../helpers/bot-harness.js';

async function tables(): Promise<TableFactory> {
  return createTableFactory({
    tables: { kind: 'connection-string', connectionString: inject('tablesConnectionString'), allowInsecure: true },
    tablePrefix: uniquePrefix(),
  });
}

const owner = (): Owner => ({ tenantId: randomUUID(), aadObjectId: randomUUID() });

describe('audit trail on Azurite', () => {
  it('when entries are recorded, then they list oldest first per assessment and carry no more than ids, action and case reference', async () => {
    const audit = new AuditRepository(await tables());
    const id = assessmentIdFor(randomUUID(), new Date());
    const who = owner();
    await audit.record({
      at: '2025-01-02T10:00:00.000Z',
      actorTenantId: who.tenantId,
      actorId: who.aadObjectId,
      action: 'edited',
      assessmentId: id,
      detail: 'c1',
    });
    await audit.record({ at: '2025-01-01T10:00:00.000Z', actorTenantId: who.tenantId, actorId: who.aadObjectId, action: 'created', assessmentId: id });
    await audit.record({ actorTenantId: who.tenantId, actorId: who.aadObjectId, action: 'viewed', assessmentId: assessmentIdFor(randomUUID(), new Date()) });
    const entries = await audit.listForAssessments([id]);
    expect(entries.map((e) => e.action)).toEqual(['created', 'edited']);
    expect(entries[1]).toEqual({
      at: '2025-01-02T10:00:00.000Z',
      actorTenantId: who.tenantId,
      actorId: who.aadObjectId,
      action: 'edited',
      assessmentId: id,
      detail: 'c1',
    });
  });

  it('when a detail is anything but an identifier, then the entry is refused before it is written', async () => {
    const audit = new AuditRepository(await tables());
    const who = owner();
    await expect(
      audit.record({ actorTenantId: who.tenantId, actorId: who.aadObjectId, action: 'edited', assessmentId: 'x', detail: 'the child said something' }),
    ).rejects.toThrow();
  });

  it('when an assessment id holds characters Table Storage forbids in keys, then the entry still records under a fixed key', async () => {
    const audit = new AuditRepository(await tables());
    const who = owner();
    await audit.record({ actorTenantId: who.tenantId, actorId: who.aadObjectId, action: 'refused', assessmentId: "../x#y?'z" });
    const entries = await audit.listForAssessments(['invalid-id']);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.assessmentId).toBe("../x#y?'z");
  });

  it('when an assessment was deleted under a case reference, then the case index finds it for that owner only, in any letter case', async () => {
    const audit = new AuditRepository(await tables());
    const a = owner();
    const b = owner();
    const idA = assessmentIdFor(randomUUID(), new Date());
    const idB = assessmentIdFor(randomUUID(), new Date());
    await audit.record({ actorTenantId: a.tenantId, actorId: a.aadObjectId, action: 'deleted', assessmentId: idA, ownerKey: ownerKey(a), caseRef: 'CR-123' });
    await audit.record({ actorTenantId: b.tenantId, actorId: b.aadObjectId, action: 'purged', assessmentId: idB, ownerKey: ownerKey(b), caseRef: 'CR-123' });
    expect(await audit.assessmentIdsForCaseRef(ownerKey(a), ' cr-123 ')).toEqual([idA]);
    expect(await audit.assessmentIdsForCaseRef(ownerKey(a), 'CR-999')).toEqual([]);
  });

  it('when the purge runs, then only entries older than the cutoff go', async () => {
    const t = await tables();
    const audit = new AuditRepository(t);
    const who = owner();
    const id = assessmentIdFor(randomUUID(), new Date());
    await audit.record({ at: '2020-01-01T00:00:00.000Z', actorTenantId: who.tenantId, actorId: who.aadObjectId, action: 'created', assessmentId: id });
    await audit.record({ at: '2030-01-01T00:00:00.000Z', actorTenantId: who.tenantId, actorId: who.aadObjectId, action: 'viewed', assessmentId: id });
    expect(await audit.purgeOlderThan(new Date('2025-01-01T00:00:00.000Z'))).toBe(1);
    expect((await audit.listForAssessments([id])).map((e) => e.action)).toEqual(['viewed']);
    // The table itself holds nothing else.
    const rows: unknown[] = [];
    for await (const e of t.table(AUDIT_TABLE).listEntities()) rows.push(e);
    expect(rows).toHaveLength(1);
  });
});

describe('every path to an assessment leaves a trail', () => {
  async function setup() {
    const t = await tables();
    const audit = new AuditRepository(t);
    const cipher = createFieldCipher([{ id: 'k', key: randomBytes(32) }]);
    const service = new AuditedAssessmentService(new AssessmentRepository(t, cipher), audit);
    return { audit, service };
  }

  it('when the owner starts, opens and acknowledges the cautions, then created and viewed are recorded against their id (the acknowledgement is inside the creating session)', async () => {
    const { audit, service } = await setup();
    const me = owner();
    const a = await service.start(me, { activityId: randomUUID(), at: new Date() });
    await service.open(me, a.id);
    await service.acknowledgeCautions(me, { assessmentId: a.id, rev: a.rev, step: 'cautions', mode: 'flow' });
    const entries = await audit.listForAssessments([a.id]);
    expect(entries.map((e) => [e.action, e.actorId])).toEqual([
      ['created', me.aadObjectId],
      ['viewed', me.aadObjectId],
    ]);
    expect(entries.every((e) => e.ownerKey === ownerKey(me))).toBe(true);
  });

  it("when another practitioner tries the owner's id, then NotFoundError and a refused entry under that assessment", async () => {
    const { audit, service } = await setup();
    const me = owner();
    const intruder = { tenantId: me.tenantId, aadObjectId: randomUUID() };
    const a = await service.start(me, { activityId: randomUUID(), at: new Date() });
    await expect(service.open(intruder, a.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.acknowledgeCautions(intruder, { assessmentId: a.id, rev: 0, step: 'cautions', mode: 'flow' })).rejects.toBeInstanceOf(NotFoundError);
    const refused = (await audit.listForAssessments([a.id])).filter((e) => e.action === 'refused');
    // Two refusals by one person within the hour are one row (two if the hour turned between them).
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeLessThanOrEqual(2);
    expect(refused.every((e) => e.actorId === intruder.aadObjectId && e.ownerKey === undefined)).toBe(true);
  });

  it('when one user is refused 100 times in an hour, then one row is written; another user, another action or the next hour each get their own', async () => {
    let now = new Date('2026-03-04T10:15:00.000Z');
    const audit = new AuditRepository(await tables(), undefined, () => now);
    const id = assessmentIdFor(randomUUID(), new Date());
    const who = owner();
    const other = owner();
    const refuse = (actor: Owner, detail?: string) =>
      audit.record({ actorTenantId: actor.tenantId, actorId: actor.aadObjectId, action: 'refused', assessmentId: id, ...(detail ? { detail } : {}) });
    for (let i = 0; i < 100; i++) {
      now = new Date(Date.parse('2026-03-04T10:15:00.000Z') + i * 1000);
      await refuse(who, 'share-ack');
    }
    let rows = await audit.listForAssessments([id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ at: '2026-03-04T10:15:00.000Z', actorId: who.aadObjectId, action: 'refused', detail: 'share-ack' });
    await refuse(other, 'share-ack');
    await refuse(who, 'share-note');
    now = new Date('2026-03-04T11:00:01.000Z');
    await refuse(who, 'share-ack');
    rows = await audit.listForAssessments([id]);
    expect(rows).toHaveLength(4);
    // Everything else is still appended, one row each.
    await audit.record({ actorTenantId: who.tenantId, actorId: who.aadObjectId, action: 'viewed', assessmentId: id });
    await audit.record({ actorTenantId: who.tenantId, actorId: who.aadObjectId, action: 'viewed', assessmentId: id });
    expect((await audit.listForAssessments([id])).filter((e) => e.action === 'viewed')).toHaveLength(2);
  });
});
