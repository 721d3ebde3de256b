import { describe, expect, it } from 'vitest';
import { STORES, newAssessment, newOwner } from './stores.js';

describe.each(STORES)('AssessmentStore contract (%s)', (_name, open) => {
  it('when an assessment is created, then its owner reads it back equal, and another owner does not find it', async () => {
    const { assessments } = await open();
    const me = newOwner();
    const a = newAssessment(me, new Date(), 'CR-1');
    const created = await assessments.create(a);
    expect(created.etag).not.toBe('');
    const read = await assessments.get(me, a.id);
    expect(read?.assessment).toEqual(a);
    expect(read?.etag).toBe(created.etag);
    expect(await assessments.get(newOwner(), a.id)).toBeUndefined();
    expect(await assessments.get({ tenantId: me.tenantId, aadObjectId: 'someone-else' }, a.id)).toBeUndefined();
  });

  it('when the same id is created twice, then the second is a ConflictError (exists)', async () => {
    const { assessments } = await open();
    const a = newAssessment(newOwner());
    await assessments.create(a);
    await expect(assessments.create(a)).rejects.toMatchObject({ name: 'ConflictError', reason: 'exists' });
  });

  it('when replaced with the current ETag, then the change is kept and the ETag moves; with an old one, a ConflictError (changed)', async () => {
    const { assessments } = await open();
    const me = newOwner();
    const a = newAssessment(me);
    const { etag } = await assessments.create(a);
    const next = await assessments.replace({ ...a, rev: 1, step: 'setup', cautionsAcknowledged: true }, etag);
    expect(next).not.toBe(etag);
    expect((await assessments.get(me, a.id))?.assessment).toMatchObject({ rev: 1, step: 'setup', cautionsAcknowledged: true });
    await expect(assessments.replace({ ...a, rev: 2 }, etag)).rejects.toMatchObject({ name: 'ConflictError', reason: 'changed' });
    expect((await assessments.get(me, a.id))?.assessment.rev).toBe(1);
  });

  it('when a deleted assessment is replaced, then it is a ConflictError (changed), not a new assessment', async () => {
    const { assessments } = await open();
    const me = newOwner();
    const a = newAssessment(me);
    const { etag } = await assessments.create(a);
    expect(await assessments.delete(me, a.id)).toBe(true);
    await expect(assessments.replace({ ...a, rev: 1 }, etag)).rejects.toMatchObject({ name: 'ConflictError', reason: 'changed' });
    expect(await assessments.get(me, a.id)).toBeUndefined();
  });

  it('when an owner has several, then the list is theirs only, newest first, limited to top, filtered by status, with meta columns', async () => {
    const { assessments } = await open();
    const me = newOwner();
    const base = Date.parse('2026-03-01T10:00:00Z');
    const made = [0, 1, 2].map((i) => newAssessment(me, new Date(base + i * 60_000), `CR-${i}`));
    for (const a of made) await assessments.create(a);
    await assessments.create({
      ...newAssessment(me, new Date(base + 5 * 60_000)),
      status: 'completed',
      step: 'complete',
      completedAt: new Date(base).toISOString(),
    });
    await assessments.create(newAssessment(newOwner()));
    const list = await assessments.listForOwner(me, 10, 'in-progress');
    expect(list.map((m) => m.id)).toEqual(made.map((a) => a.id).reverse());
    expect(list[0]).toEqual({
      id: made[2]?.id,
      caseRef: 'CR-2',
      status: 'in-progress',
      step: 'cautions',
      rev: 0,
      createdAt: made[2]?.createdAt,
      updatedAt: made[2]?.updatedAt,
      completedAt: undefined,
    });
    expect(await assessments.listForOwner(me, 2)).toHaveLength(2);
    expect((await assessments.listForOwner(me, 10, 'completed')).map((m) => m.status)).toEqual(['completed']);
  });

  it("when deleted, then it is gone for its owner, and a second delete (or another owner's) is false", async () => {
    const { assessments } = await open();
    const me = newOwner();
    const a = newAssessment(me);
    await assessments.create(a);
    expect(await assessments.delete(newOwner(), a.id)).toBe(false);
    expect(await assessments.delete(me, a.id)).toBe(true);
    expect(await assessments.delete(me, a.id)).toBe(false);
    expect(await assessments.get(me, a.id)).toBeUndefined();
  });
});
