import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { AssessmentRepository, assessmentIdFor } from '../../../src/storage/assessment-repository.js';
import { AuditRepository } from '../../../src/storage/audit-repository.js';
import { ConflictError } from '../../../src/storage/errors.js';
import { ShareRepository } from '../../../src/storage/share-repository.js';
import { shareIdFor, type Share } from '../../../src/tencs/sharing.js';
import { createFieldCipher } from '../../../src/storage/field-cipher.js';
import { HAND_OVER_STEPS, HandOverStore, type HandOverStep } from '../../../src/storage/hand-over-store.js';
import { createTableFactory, type TableFactory } from '../../../src/storage/tables.js';
import type { Assessment } from '../../../src/tencs/assessment.js';
import { HandOverRefusedError } from '../../../src/tencs/cycle/hand-over.js';
import { runHandOverRecovery } from '../../../src/tencs/cycle/hand-over-job.js';
import type { Owner } from '../../../src/tencs/owner.js';
import { uniquePrefix } from '../../helpers/bot-harness.js';

const cipher = createFieldCipher([{ id: 'k1', key: randomBytes(32) }]);
const TENANT = randomUUID();
const person = (): Owner => ({ tenantId: TENANT, aadObjectId: randomUUID() });

class Crash extends Error {}

function assessment(o: Owner, caseRef: string, n: number): Assessment {
  const at = new Date(Date.UTC(2026, 10, n, 10));
  return {
    id: assessmentIdFor(randomUUID(), at),
    tenantId: o.tenantId,
    ownerId: o.aadObjectId,
    status: 'completed',
    step: 'complete',
    cautionsAcknowledged: true,
    setup: { caseRef, ageBand: '14-15', participants: ['young-person'], participantsOther: 'aunt', assessedOn: '2026-11-01' },
    answers: {
      contact: {
        strengths: `talks to mum ${n}`,
        vulnerabilities: 'adult contact €',
        risk: 'high',
        resilience: 'some',
        youngPersonView: 'fine',
        parentView: '',
        nextSteps: 'plan',
        skipped: false,
      },
    },
    composite: { offlineFactors: ['neglect'], offlineOther: '', analysis: 'combined', impact: 'sleep' },
    rev: 7,
    stepRevs: { contact: 5 },
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
    completedAt: at.toISOString(),
    carried: { context: '2026-05-01' },
    reviewOn: '2027-02-01',
  };
}

async function setup() {
  const prefix = uniquePrefix();
  const make = async () =>
    createTableFactory({ tables: { kind: 'connection-string', connectionString: inject('tablesConnectionString'), allowInsecure: true }, tablePrefix: prefix });
  const tables: TableFactory = await make();
  const repo = new AssessmentRepository(tables, cipher);
  await tables.table('assessments').createTable();
  await tables
    .table('audit')
    .createTable()
    .catch(() => undefined);
  const audit = new AuditRepository(tables);
  const from = person();
  const to = person();
  const a1 = assessment(from, 'CR-HO', 1);
  const a2 = assessment(from, 'CR-HO', 2);
  await repo.create(a1);
  await repo.create(a2);
  // a1 was shared to a team channel, where a manager left a supervision note.
  await tables
    .table('shares')
    .createTable()
    .catch(() => undefined);
  await tables
    .table('supervision')
    .createTable()
    .catch(() => undefined);
  const shares = new ShareRepository(tables, cipher);
  const at = '2026-11-02T10:00:00.000Z';
  const share: Share = {
    id: shareIdFor(TENANT, a1.id, 'team-1'),
    tenantId: TENANT,
    assessmentId: a1.id,
    ownerId: from.aadObjectId,
    ownerName: 'Former Owner',
    teamId: 'team-1',
    teamName: 'Team',
    channelId: 'team-1',
    serviceUrl: 'https://smba.example.test/uk/',
    status: 'posted',
    createdAt: at,
    updatedAt: at,
  };
  await shares.create(share);
  await shares.addNote(share, { kind: 'note', authorId: 'manager-1', authorName: 'Manager', at, text: 'Discussed in supervision' }, 'req-1');
  /** A fresh process: new clients, no memory of the last attempt. */
  const restart = async (afterStep?: (s: HandOverStep) => void) => {
    const t = await make();
    return new HandOverStore(t, new AssessmentRepository(t, cipher), new AuditRepository(t), afterStep ? { afterStep } : {});
  };
  return { repo, audit, shares, share, from, to, a1, a2, make, restart, store: await restart() };
}

describe('hand-over saga against Azurite', () => {
  it('when the colleague accepts, then they own every assessment with every answer, and the former owner is refused', async () => {
    const { store, repo, audit, shares, share, from, to, a1, a2 } = await setup();
    await store.offer('handover-ok-1', from, to, [a1.id, a2.id]);
    expect(await store.owned(to, a1.id)).toBeUndefined();
    expect((await store.owned(from, a1.id))?.readOnly).toBe(false);
    const done = await store.accept('handover-ok-1', to, 'New Owner');
    expect(done.state).toBe('done');
    const moved = await shares.get(TENANT, share.id);
    expect(moved?.share).toMatchObject({ ownerId: to.aadObjectId, ownerName: 'New Owner', assessmentId: a1.id, teamId: 'team-1' });
    expect((await shares.entries(share)).notes.map((n) => n.text)).toEqual(['Discussed in supervision']);
    for (const a of [a1, a2]) {
      expect(await store.owned(from, a.id)).toBeUndefined();
      expect(await repo.get(from, a.id)).toBeUndefined();
      const mine = await store.owned(to, a.id);
      expect(mine?.readOnly).toBe(false);
      expect(mine?.handOver).toBeUndefined();
      expect(mine?.assessment).toEqual({ ...a, ownerId: to.aadObjectId });
    }
    const trail = await audit.listForAssessments([a1.id]);
    expect(trail.map((e) => [e.action, e.actorId === from.aadObjectId ? 'from' : 'to'])).toEqual([
      ['hand-over-offered', 'from'],
      ['handed-over', 'from'],
      ['received', 'to'],
    ]);
    await expect(store.accept('handover-ok-1', from)).rejects.toThrow(HandOverRefusedError);
  });

  it.each(HAND_OVER_STEPS)(
    'when the process dies after step "%s", then at that moment each assessment has one owner, and a retry finishes with nothing lost',
    async (crashAt) => {
      const { from, to, a1, a2, repo, shares, share, restart } = await setup();
      const id = `handover-crash-${crashAt}`;
      const pre = await repo.get(from, a1.id);
      const first = await restart((s) => {
        if (s === crashAt) throw new Crash(s);
      });
      await first.offer(id, from, to, [a1.id, a2.id]);
      await expect(first.accept(id, to)).rejects.toThrow(Crash);
      const observer = await restart();
      for (const a of [a1, a2]) {
        const owners = [(await observer.owned(from, a.id)) && 'from', (await observer.owned(to, a.id)) && 'to'].filter(Boolean);
        expect(owners, `${a.id} after a crash at ${crashAt}`).toHaveLength(1);
      }
      // Each assessment is in exactly one of the two "my assessments" lists.
      const listed = [...(await observer.visible(from, await repo.listForOwner(from))), ...(await observer.visible(to, await repo.listForOwner(to)))]
        .map((m) => m.id)
        .sort();
      expect(listed).toEqual([a1.id, a2.id].sort());
      // The former owner cannot write while it moves: what they hold is read only, and a card read before the move conflicts.
      const held = await observer.owned(from, a1.id);
      if (held) expect(held.readOnly).toBe(true);
      await expect(repo.replace({ ...a1, rev: 99 }, pre!.etag)).rejects.toThrow(ConflictError);
      const retried = await restart();
      const pending = await retried.unfinished();
      // A crash before acceptance was stored, or after done, leaves nothing for the job; otherwise the job finds it.
      expect(pending.includes(id)).toBe(crashAt !== 'done');
      expect(await runHandOverRecovery(retried)).toEqual({ finished: crashAt === 'done' ? 0 : 1, failed: [] });
      expect(await retried.unfinished()).not.toContain(id);
      expect((await retried.advance(id)).state).toBe('done');
      expect(await retried.visible(from, await repo.listForOwner(from))).toEqual([]);
      expect((await retried.visible(to, await repo.listForOwner(to))).map((m) => m.id).sort()).toEqual([a1.id, a2.id].sort());
      for (const a of [a1, a2]) {
        expect(await retried.owned(from, a.id)).toBeUndefined();
        expect((await retried.owned(to, a.id))?.assessment).toEqual({ ...a, ownerId: to.aadObjectId });
      }
      expect((await shares.get(TENANT, share.id))?.share.ownerId).toBe(to.aadObjectId);
      expect((await shares.entries(share)).notes).toHaveLength(1);
    },
  );

  it('when the process dies between the audit entries of a step, then the retry writes the missing ones only: each side audited once', async () => {
    const { from, to, a1, a2, audit, make, restart } = await setup();
    const id = 'handover-audit-crash';
    const store = await restart();
    await store.offer(id, from, to, [a1.id, a2.id]);
    // An audit log that dies right after the first "handed-over" entry is written (a crash between two writes).
    const t = await make();
    const real = new AuditRepository(t);
    const dying = Object.assign(Object.create(real) as AuditRepository, {
      record: async (entry: Parameters<AuditRepository['record']>[0]) => {
        await real.record(entry);
        if (entry.action === 'handed-over') throw new Crash('after the first handed-over entry');
      },
    });
    const first = new HandOverStore(t, new AssessmentRepository(t, cipher), dying);
    await expect(first.accept(id, to)).rejects.toThrow(Crash);
    expect((await (await restart()).accept(id, to)).state).toBe('done');
    for (const a of [a1, a2]) {
      const trail = await audit.listForAssessments([a.id]);
      expect(trail.map((e) => e.action).sort(), a.id).toEqual(['handed-over', 'hand-over-offered', 'received'].sort());
    }
  });

  it('when the owner deleted one of the offered assessments before acceptance, then the rest moves and the deleted one stays deleted', async () => {
    const { store, repo, audit, from, to, a1, a2 } = await setup();
    await store.offer('handover-gone-1', from, to, [a1.id, a2.id]);
    await repo.delete(from, a2.id);
    expect((await store.accept('handover-gone-1', to)).state).toBe('done');
    expect((await store.owned(to, a1.id))?.assessment).toEqual({ ...a1, ownerId: to.aadObjectId });
    expect(await store.owned(to, a2.id)).toBeUndefined();
    expect(await store.owned(from, a2.id)).toBeUndefined();
    expect((await audit.listForAssessments([a2.id])).map((e) => e.action)).toEqual(['hand-over-offered']);
  });

  it('when the colleague declines, then the owner keeps it and it can no longer be accepted', async () => {
    const { store, from, to, a1 } = await setup();
    await store.offer('handover-decl-1', from, to, [a1.id]);
    await expect(store.withdraw('handover-decl-1', from, 'declined')).rejects.toThrow(HandOverRefusedError);
    expect((await store.withdraw('handover-decl-1', to, 'declined')).state).toBe('declined');
    await expect(store.accept('handover-decl-1', to)).rejects.toThrow('This hand-over was withdrawn before you accepted it.');
    expect((await store.owned(from, a1.id))?.readOnly).toBe(false);
    expect(await store.owned(to, a1.id)).toBeUndefined();
  });

  it('when the owner takes it back before acceptance, then the colleague cannot accept; after acceptance it cannot be taken back', async () => {
    const { store, from, to, a1, a2 } = await setup();
    await store.offer('handover-back-1', from, to, [a1.id]);
    await expect(store.withdraw('handover-back-1', to, 'taken-back')).rejects.toThrow(HandOverRefusedError);
    expect((await store.withdraw('handover-back-1', from, 'taken-back')).state).toBe('taken-back');
    await expect(store.accept('handover-back-1', to)).rejects.toThrow(HandOverRefusedError);
    expect((await store.owned(from, a1.id))?.readOnly).toBe(false);
    await store.offer('handover-back-2', from, to, [a2.id]);
    await store.accept('handover-back-2', to);
    await expect(store.withdraw('handover-back-2', from, 'taken-back')).rejects.toThrow('This hand-over was already accepted.');
  });

  it('when the owner offers an assessment that is already on offer, then the second offer is refused until the first ends, and two offers at once leave one', async () => {
    const { store, from, to, a1, a2 } = await setup();
    const other = person();
    await store.offer('handover-twice-1', from, to, [a1.id]);
    await expect(store.offer('handover-twice-2', from, other, [a2.id, a1.id])).rejects.toThrow('This case has already been offered to a colleague.');
    // All or nothing: the refused offer took no claim on a2, and wrote no record.
    expect(await store.get('handover-twice-2')).toBeUndefined();
    await store.offer('handover-twice-3', from, other, [a2.id]);
    await store.withdraw('handover-twice-3', from, 'taken-back');
    // The same offer again (the activity delivered twice) is still the one offer.
    expect((await store.offer('handover-twice-1', from, to, [a1.id])).state).toBe('pending');
    await store.withdraw('handover-twice-1', to, 'declined');
    // Once the first has ended, a new offer may take the assessment.
    expect((await store.offer('handover-twice-4', from, other, [a1.id])).state).toBe('pending');
    await store.withdraw('handover-twice-4', from, 'taken-back');

    const results = await Promise.allSettled([
      store.offer('handover-race-1', from, to, [a1.id, a2.id]),
      store.offer('handover-race-2', from, other, [a2.id, a1.id]),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const winner = won[0]!.value;
    const loser = winner.id === 'handover-race-1' ? 'handover-race-2' : 'handover-race-1';
    expect(await store.get(loser)).toBeUndefined();
    // The winner's colleague accepts; the case is theirs, whole.
    await store.accept(winner.id, winner.to);
    expect((await store.owned(winner.to, a1.id))?.readOnly).toBe(false);
    expect((await store.owned(winner.to, a2.id))?.readOnly).toBe(false);
    expect(await store.owned(from, a1.id)).toBeUndefined();
  });

  it('when the colleague accepts twice at once and the recovery job runs at the same moment, then each ends with the hand-over done and one owner', async () => {
    const { store, from, to, a1, a2 } = await setup();
    await store.offer('handover-twin-1', from, to, [a1.id, a2.id]);
    const ends = await Promise.all([store.accept('handover-twin-1', to), store.accept('handover-twin-1', to), store.advance('handover-twin-1')]);
    expect(ends.slice(0, 2).map((r) => r.state)).toEqual(['done', 'done']);
    expect((await store.get('handover-twin-1'))?.record.state).toBe('done');
    for (const a of [a1, a2]) {
      expect((await store.owned(to, a.id))?.readOnly).toBe(false);
      expect(await store.owned(from, a.id)).toBeUndefined();
    }
  });

  it('when someone offers what is not theirs, to another organisation or to themselves, then the offer is refused', async () => {
    const { store, from, to, a1 } = await setup();
    await expect(store.offer('handover-bad-1', to, from, [a1.id])).rejects.toThrow('You can only hand over your own assessments.');
    await expect(store.offer('handover-bad-2', from, { tenantId: randomUUID(), aadObjectId: randomUUID() }, [a1.id])).rejects.toThrow(
      'You can only hand over to a colleague in your own organisation.',
    );
    await expect(store.offer('handover-bad-3', from, from, [a1.id])).rejects.toThrow('Choose a colleague other than yourself.');
    await store.offer('handover-bad-4', from, to, [a1.id]);
    await store.accept('handover-bad-4', to);
    await expect(store.offer('handover-bad-5', from, to, [a1.id])).rejects.toThrow('You can only hand over your own assessments.');
  });
});
