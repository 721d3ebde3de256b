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

  it('when asked by owner and case reference, then any letter case and spacing finds the ids, and another owner finds none', async () => {
    const { audit } = await open();
    const me = newOwner();
    const key = ownerKey(me);
    const [a, b] = [id(), id()];
    await audit.record({ actorTenantId: me.tenantId, actorId: me.aadObjectId, action: 'created', assessmentId: a, ownerKey: key, caseRef: 'CR-77' });
    await audit.record({ actorTenantId: me.tenantId, actorId: me.aadObjectId, action: 'edited', assessmentId: a, ownerKey: key, caseRef: 'CR-77' });
    await audit.record({ actorTenantId: me.tenantId, actorId: me.aadObjectId, action: 'created', assessmentId: b, ownerKey: key, caseRef: 'CR-78' });
    expect(await audit.assessmentIdsForCaseRef(key, ' cr-77 ')).toEqual([a]);
    expect(await audit.assessmentIdsForCaseRef(ownerKey(newOwner()), 'CR-77')).toEqual([]);
  });

  it('when a summary was shared under a case reference, then the tenant finds the assessment and team, once', async () => {
    const { audit } = await open();
    const me = newOwner();
    const a = id();
    for (let i = 0; i < 2; i++) await audit.record({ actorTenantId: me.tenantId, actorId: me.aadObjectId, action: 'shared', assessmentId: a, caseRef: 'CR-9', detail: 'team-1' });
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
});
