import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ownerKey } from '../../../src/tencs/owner.js';
import { STORES, newOwner } from './stores.js';

const id = () => `${String(Date.now()).padStart(13, '0')}-${randomUUID().replace(/-/g, '').slice(0, 12)}`;

describe.each(STORES)('AuditStore contract (%s)', (_name, open) => {
  it('when entries are recorded, then listing by assessment gives exactly them, oldest first', async () => {
    const { audit } = await open();
    const me = newOwner();
    const [a, b] = [id(), id()];
    await audit.record({ actorTenantId: me.tenantId, actorId: me.aadObjectId, action: 'viewed', assessmentId: a, at: '2026-03-01T10:02:00.000Z' });
    await audit.record({ actorTenantId: me.tenantId, actorId: me.aadObjectId, action: 'created', assessmentId: a, at: '2026-03-01T10:01:00.000Z' });
    await audit.record({ actorTenantId: me.tenantId, actorId: me.aadObjectId, action: 'created', assessmentId: b, at: '2026-03-01T10:03:00.000Z' });
    const trail = await audit.listForAssessments([a]);
    expect(trail.map((e) => [e.action, e.at])).toEqual([
      ['created', '2026-03-01T10:01:00.000Z'],
      ['viewed', '2026-03-01T10:02:00.000Z'],
    ]);
    expect((await audit.listForAssessments([a, b])).map((e) => e.assessmentId)).toEqual([a, a, b]);
    expect(await audit.listForAssessments([id()])).toEqual([]);
  });

  it('when asked by owner and case reference, then the assessments deleted or purged under it are found in any letter case and spacing, and another owner finds none', async () => {
    const { audit } = await open();
    const me = newOwner();
    const key = ownerKey(me);
    const [a, b, c, d] = [id(), id(), id(), id()];
    await audit.record({ actorTenantId: me.tenantId, actorId: me.aadObjectId, action: 'deleted', assessmentId: a, ownerKey: key, caseRef: 'CR-77' });
    await audit.record({ actorTenantId: me.tenantId, actorId: me.aadObjectId, action: 'deleted', assessmentId: a, ownerKey: key, caseRef: 'CR-77' });
    await audit.record({ actorTenantId: 'system', actorId: 'retention-purge', action: 'purged', assessmentId: c, ownerKey: key, caseRef: 'cr-77' });
    // Entries about assessments still stored are not the index: those are found in the owner's own partition.
    await audit.record({ actorTenantId: me.tenantId, actorId: me.aadObjectId, action: 'edited', assessmentId: d, ownerKey: key, caseRef: 'CR-77' });
    await audit.record({ actorTenantId: me.tenantId, actorId: me.aadObjectId, action: 'deleted', assessmentId: b, ownerKey: key, caseRef: 'CR-78' });
    expect((await audit.assessmentIdsForCaseRef(key, ' cr-77 ')).sort()).toEqual([a, c].sort());
    expect(await audit.assessmentIdsForCaseRef(ownerKey(newOwner()), 'CR-77')).toEqual([]);
  });

  it('when a summary was shared under a case reference, then the tenant finds the assessment and team, once', async () => {
    const { audit } = await open();
    const me = newOwner();
    const a = id();
    for (let i = 0; i < 2; i++)
      await audit.record({ actorTenantId: me.tenantId, actorId: me.aadObjectId, action: 'shared', assessmentId: a, caseRef: 'CR-9', detail: 'team-1' });
    await audit.record({ actorTenantId: me.tenantId, actorId: me.aadObjectId, action: 'viewed', assessmentId: a, caseRef: 'CR-9', detail: 'team-2' });
    expect(await audit.sharesForCaseRef(me.tenantId, 'cr-9')).toEqual([{ assessmentId: a, teamId: 'team-1' }]);
    expect(await audit.sharesForCaseRef(newOwner().tenantId, 'CR-9')).toEqual([]);
  });

  it('when purged with a cutoff, then only older entries go, and the count says how many', async () => {
    const { audit } = await open();
    const me = newOwner();
    const a = id();
    await audit.record({ actorTenantId: me.tenantId, actorId: me.aadObjectId, action: 'created', assessmentId: a, at: '2020-01-01T00:00:00.000Z' });
    await audit.record({ actorTenantId: me.tenantId, actorId: me.aadObjectId, action: 'viewed', assessmentId: a, at: '2020-01-02T00:00:00.000Z' });
    await audit.record({ actorTenantId: me.tenantId, actorId: me.aadObjectId, action: 'edited', assessmentId: a, at: '2026-01-01T00:00:00.000Z' });
    expect(await audit.purgeOlderThan(new Date('2021-01-01T00:00:00Z'))).toBe(2);
    expect((await audit.listForAssessments([a])).map((e) => e.action)).toEqual(['edited']);
  });

  it('when one person is refused 100 times in an hour, then one row; another person, another detail or the next hour each get their own; against ever-new ids, at most 20 rows an hour', async () => {
    const { audit } = await open();
    const who = newOwner();
    const other = newOwner();
    const a = id();
    const refuse = (actor: typeof who, at: string, detail: string, assessmentId = a) =>
      audit.record({ actorTenantId: actor.tenantId, actorId: actor.aadObjectId, action: 'refused', assessmentId, detail, at });
    for (let i = 0; i < 100; i++) await refuse(who, new Date(Date.parse('2026-03-04T10:15:00.000Z') + i * 1000).toISOString(), 'share-ack');
    expect((await audit.listForAssessments([a])).map((e) => [e.actorId, e.detail, e.at])).toEqual([[who.aadObjectId, 'share-ack', '2026-03-04T10:15:00.000Z']]);
    await refuse(other, '2026-03-04T10:20:00.000Z', 'share-ack');
    await refuse(who, '2026-03-04T10:21:00.000Z', 'share-note');
    await refuse(who, '2026-03-04T11:00:01.000Z', 'share-ack');
    expect(await audit.listForAssessments([a])).toHaveLength(4);

    const flooder = newOwner();
    const ids = Array.from({ length: 30 }, () => id());
    for (const x of ids) await refuse(flooder, '2026-03-04T12:10:00.000Z', 'open', x);
    expect(await audit.listForAssessments(ids)).toHaveLength(20);
  });
});
