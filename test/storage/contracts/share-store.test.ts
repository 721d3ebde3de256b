import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { STORES, newShare, newTeam } from './stores.js';

describe.each(STORES)('ShareStore contract (%s)', (_name, open) => {
  it('when a share is created, then its tenant reads it back, another tenant does not, and a second create is a ConflictError (exists)', async () => {
    const { shares } = await open();
    const tenant = randomUUID();
    const s = newShare(tenant, newTeam(tenant));
    const created = await shares.create(s);
    expect(created.share).toEqual(s);
    expect((await shares.get(tenant, s.id))?.share).toEqual(s);
    expect(await shares.get(randomUUID(), s.id)).toBeUndefined();
    await expect(shares.create(s)).rejects.toMatchObject({ name: 'ConflictError', reason: 'exists' });
  });

  it('when replaced with the current ETag, then kept; with an old ETag, a ConflictError (changed)', async () => {
    const { shares } = await open();
    const tenant = randomUUID();
    const s = newShare(tenant, newTeam(tenant));
    const { etag } = await shares.create(s);
    const next = await shares.replace({ ...s, status: 'posted', conversationId: 'c1', activityId: 'a1' }, etag);
    expect(next).not.toBe(etag);
    expect((await shares.get(tenant, s.id))?.share.status).toBe('posted');
    await expect(shares.replace({ ...s, status: 'failed' }, etag)).rejects.toMatchObject({ name: 'ConflictError', reason: 'changed' });
  });

  it('when people acknowledge and add notes, then each person acknowledges once, a note is recorded once per request, acks oldest first and notes newest first', async () => {
    const { shares } = await open();
    const tenant = randomUUID();
    const s = newShare(tenant, newTeam(tenant));
    await shares.create(s);
    expect(await shares.addAck(s, { kind: 'ack', authorId: 'm2', authorName: 'Manager Two', at: '2026-03-01T10:02:00.000Z' })).toBe(true);
    expect(await shares.addAck(s, { kind: 'ack', authorId: 'm1', authorName: 'Manager One', at: '2026-03-01T10:01:00.000Z' })).toBe(true);
    expect(await shares.addAck(s, { kind: 'ack', authorId: 'm1', authorName: 'Manager One', at: '2026-03-01T10:05:00.000Z' })).toBe(false);
    const first = {
      kind: 'note' as const,
      authorId: 'm1',
      authorName: 'Manager One',
      at: '2026-03-01T10:03:00.000Z',
      text: 'Talk about contact — “quotes” & <b>',
    };
    expect(await shares.addNote(s, first, 'req-1')).toBe(true);
    expect(await shares.addNote(s, first, 'req-1')).toBe(false);
    expect(await shares.addNote(s, { ...first, at: '2026-03-01T10:04:00.000Z', text: 'Second' }, 'req-2')).toBe(true);
    const { acks, notes } = await shares.entries(s);
    expect(acks.map((a) => a.authorId)).toEqual(['m1', 'm2']);
    expect(notes.map((n) => n.text)).toEqual(['Second', first.text]);
    expect(await shares.entries(newShare(tenant, newTeam(tenant)))).toEqual({ acks: [], notes: [] });
  });
});
