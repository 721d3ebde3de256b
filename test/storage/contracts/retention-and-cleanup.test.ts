import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ownerKey } from '../../../src/tencs/owner.js';
import { STORES, newAssessment, newOwner, newShare, newTeam } from './stores.js';

describe.each(STORES)('RetentionScan contract (%s)', (_name, open) => {
  it('when assessments are older and newer than the cutoff, then only the older are found, with their owner key, case reference and status', async () => {
    const { assessments, retention } = await open();
    const me = newOwner();
    const old = newAssessment(me, new Date('2025-01-01T00:00:00Z'), 'CR-OLD');
    const recent = newAssessment(me, new Date(), 'CR-NEW');
    await assessments.create(old);
    await assessments.create(recent);
    const stale = await retention.findStale(new Date('2025-06-01T00:00:00Z'));
    expect(stale.map((s) => ({ partitionKey: s.partitionKey, rowKey: s.rowKey, caseRef: s.caseRef, status: s.status }))).toEqual([
      { partitionKey: ownerKey(me), rowKey: old.id, caseRef: 'CR-OLD', status: 'in-progress' },
    ]);
  });

  it('when a stale assessment changed after the scan, then it is kept; when unchanged, it is deleted once', async () => {
    const { assessments, retention } = await open();
    const me = newOwner();
    const [a, b] = [newAssessment(me, new Date('2025-01-01T00:00:00Z')), newAssessment(me, new Date('2025-01-02T00:00:00Z'))];
    await assessments.create(a);
    const { etag } = await assessments.create(b);
    const stale = await retention.findStale(new Date('2025-06-01T00:00:00Z'));
    await assessments.replace({ ...b, rev: 1 }, etag);
    const staleA = stale.find((s) => s.rowKey === a.id);
    const staleB = stale.find((s) => s.rowKey === b.id);
    expect(staleA && staleB).toBeTruthy();
    if (!staleA || !staleB) return;
    expect(await retention.deleteIfUnchanged(staleB)).toBe(false);
    expect(await retention.deleteIfUnchanged(staleA)).toBe(true);
    expect(await retention.deleteIfUnchanged(staleA)).toBe(false);
    expect(await assessments.get(me, a.id)).toBeUndefined();
    expect((await assessments.get(me, b.id))?.assessment.rev).toBe(1);
  });
});

describe.each(STORES)('ShareCleanupPort contract (%s)', (_name, open) => {
  it('when an assessment was shared to two teams, then both shares are found in its tenant only, and deleting one takes its acks and notes with it', async () => {
    const { shares, cleanup } = await open();
    const tenant = randomUUID();
    const [t1, t2] = [newTeam(tenant, 'One'), newTeam(tenant, 'Two')];
    const first = newShare(tenant, t1);
    const second = newShare(tenant, t2, first.assessmentId);
    await shares.create(first);
    await shares.create(second);
    await shares.create(newShare(tenant, t1));
    await shares.addAck(first, { kind: 'ack', authorId: 'm1', authorName: 'M', at: '2026-03-01T10:00:00.000Z' });
    await shares.addNote(first, { kind: 'note', authorId: 'm1', authorName: 'M', at: '2026-03-01T10:01:00.000Z', text: 'note' }, 'r1');
    expect((await cleanup.sharesOf(tenant, first.assessmentId)).map((s) => s.id).sort()).toEqual([first.id, second.id].sort());
    expect(await cleanup.sharesOf(randomUUID(), first.assessmentId)).toEqual([]);
    await cleanup.deleteShare(first);
    await cleanup.deleteShare(first);
    expect(await shares.get(tenant, first.id)).toBeUndefined();
    expect(await shares.entries(first)).toEqual({ acks: [], notes: [] });
    expect((await cleanup.sharesOf(tenant, first.assessmentId)).map((s) => s.id)).toEqual([second.id]);
  });
});
