import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ownerKey } from '../../../src/tencs/owner.js';
import type { PendingDeletion } from '../../../src/tencs/ports.js';
import { STORES, newOwner, newShare, newTeam } from './stores.js';

describe.each(STORES)('DeletionQueuePort contract (%s)', (_name, open) => {
  it('when a deletion is put twice and another beside it, then both are listed once; removed, it is gone', async () => {
    const { deletions } = await open();
    const me = newOwner();
    const marker = (assessmentId: string): PendingDeletion => ({
      ownerKey: ownerKey(me),
      assessmentId,
      action: 'deleted',
      actorTenantId: me.tenantId,
      actorId: me.aadObjectId,
      caseRef: 'CR-1',
      at: '2026-03-01T10:00:00.000Z',
    });
    const [a, b] = [marker(randomUUID()), marker(randomUUID())];
    await deletions.put(a);
    await deletions.put(a);
    await deletions.put({ ...b, action: 'purged', etag: 'W/"x"' });
    const listed = await deletions.list();
    expect(listed.map((d) => d.assessmentId).sort()).toEqual([a.assessmentId, b.assessmentId].sort());
    expect(listed.find((d) => d.assessmentId === b.assessmentId)).toMatchObject({ action: 'purged', etag: 'W/"x"', caseRef: 'CR-1' });
    await deletions.remove(a);
    await deletions.remove(a);
    expect((await deletions.list()).map((d) => d.assessmentId)).toEqual([b.assessmentId]);
  });
});

describe.each(STORES)('CardQueuePort contract (%s)', (_name, open) => {
  it('when a card is queued twice, then it is one item, due from its time; a failure moves it on, a stale one is refused; done, it is gone', async () => {
    const { cards } = await open();
    const tenantId = randomUUID();
    const share = { ...newShare(tenantId, newTeam(tenantId)), status: 'posted' as const, activityId: '1:abc' };
    await cards.put(share, 1_000);
    await cards.put(share, 5_000);
    expect(await cards.due(999)).toEqual([]);
    const [item] = await cards.due(1_000);
    expect(item).toMatchObject({ share: { id: share.id, activityId: '1:abc' }, attempts: 0, notBefore: 1_000, queuedAt: 1_000 });
    expect(await cards.failed(item!, 60_000, 'throttled')).toBe(true);
    // The same item again, as another instance would hold it: its etag no longer matches.
    expect(await cards.failed(item!, 90_000, 'throttled')).toBe(false);
    expect(await cards.due(59_999)).toEqual([]);
    expect(await cards.get(tenantId, share.id)).toMatchObject({ attempts: 1, notBefore: 60_000, lastFailure: 'throttled' });
    await cards.done(tenantId, share.id);
    await cards.done(tenantId, share.id);
    expect(await cards.get(tenantId, share.id)).toBeUndefined();
    expect(await cards.due(Number.MAX_SAFE_INTEGER)).toEqual([]);
  });
});
