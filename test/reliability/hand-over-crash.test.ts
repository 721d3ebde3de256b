import { odata } from '@azure/data-tables';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { loadConfig } from '../../src/config.js';
import { AssessmentRepository, ASSESSMENTS_TABLE, assessmentIdFor } from '../../src/storage/assessment-repository.js';
import { AuditRepository } from '../../src/storage/audit-repository.js';
import { createFieldCipher } from '../../src/storage/field-cipher.js';
import { HAND_OVER_MARKER, HAND_OVERS_TABLE } from '../../src/storage/hand-over-store.js';
import { ownerKey } from '../../src/storage/owner-key.js';
import { ShareRepository } from '../../src/storage/share-repository.js';
import { createTableFactory, type TableFactory } from '../../src/storage/tables.js';
import type { Assessment } from '../../src/tencs/assessment.js';
import type { AuditAction } from '../../src/tencs/audit.js';
import type { Owner } from '../../src/tencs/owner.js';
import { shareIdFor, type Share } from '../../src/tencs/sharing.js';
import { freePort } from '../helpers/azurite.js';
import { cardText, execute, message, newUser, type TestBot, type TestUser, type TurnResult } from '../helpers/bot-harness.js';
import { botEnv, spawnBot, type BotProcess } from '../helpers/bot-process.js';
import { actionOf, executeActions, press } from '../helpers/card-driver.js';
import { startConnector, type LoopbackConnector } from '../helpers/connector.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { completeAssessment } from '../helpers/full-assessment.js';
import { post } from '../helpers/practitioner.js';

type Card = Record<string, unknown>;
interface Req {
  method: string;
  path: string;
}

/**
 * Storage writes a hand-over turn makes: entities of the tables the hand-over and the turn touch, and table
 * creation. Lease rows (the scheduled jobs' own traffic) are left out, so the k-th write is the turn's.
 */
const COUNTED = /^\/devstoreaccount1\/(?:Tables(?:$|\?)|[A-Za-z0-9]*(?:assessments|handovers|shares|supervision|audit|personalchats)(?:\(|\?|$))/;
const isWrite = (r: Req) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method) && COUNTED.test(r.path);
const describeWrite = (r: Req) => `${r.method} ${r.path.replace(/^\/devstoreaccount1\/t[0-9a-f]{12}/, '').replace(/\(.*$/, '(…)')}`;

const ownerOf = (u: TestUser): Owner => ({ tenantId: u.tenantId, aadObjectId: u.aadObjectId });

/** One hand-over under test: the owner's assessment, its share with a supervision note, and the colleague. */
interface Scene {
  readonly owner: TestUser;
  readonly colleague: TestUser;
  readonly caseRef: string;
  readonly original: Assessment;
  readonly share: Share;
  readonly noteText: string;
}

describe('hand-over when the bot process is killed (SIGKILL) at each storage write, and Teams sends the activity again to a new process', () => {
  let connector: LoopbackConnector;
  let proxy: FaultProxy;
  let env: Record<string, string>;
  let bot: BotProcess;
  let standby: Promise<BotProcess>;
  const processes: BotProcess[] = [];
  let tables: TableFactory;
  let repo: AssessmentRepository;
  let shares: ShareRepository;
  let audit: AuditRepository;
  /** A completed assessment driven through the cards once; each scene stores a copy of it under a new owner and id. */
  let template: Assessment;

  const spawn = async (extra: Record<string, string> = {}) => {
    const p = await spawnBot({ ...env, ...extra }, await freePort());
    processes.push(p);
    return p;
  };
  /** Teams as the practitioner's client: every activity goes to whichever process is serving now. */
  const client: Pick<TestBot, 'send' | 'connector'> = {
    get connector() {
      return connector;
    },
    async send(activity): Promise<TurnResult> {
      const t = await post(bot.url, connector, activity);
      return { status: t.status ?? 0, body: t.body ?? t.error, sent: t.sent };
    },
  };
  const cardFrom = async (pending: Promise<TurnResult>): Promise<Card> => {
    const r = await pending;
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const body = r.body as { type?: string; value?: Card } | undefined;
    if (body?.type === 'application/vnd.microsoft.card.adaptive' && body.value) return body.value;
    const att = [...r.sent].reverse().flatMap((a) => (a.attachments as { content: Card }[] | undefined) ?? [])[0];
    if (!att) throw new Error(`No card in ${JSON.stringify(r).slice(0, 400)}`);
    return att.content;
  };
  const textOf = async (activity: Record<string, unknown>) => cardText(await cardFrom(client.send(activity)));

  beforeAll(async () => {
    connector = await startConnector();
    proxy = await startFaultProxy(inject('azuritePort'));
    env = botEnv(proxy.connectionString, {
      // Only the turns under test write: the scheduled jobs run once at start-up and not again during the test.
      JOB_TICK_MS: '1000',
      HAND_OVER_RECOVERY_PERIOD_MS: '86400000',
      REMINDER_PERIOD_MS: '86400000',
      FOLLOW_UP_PERIOD_MS: '86400000',
      PURGE_PERIOD_MS: '2592000000',
    });
    const config = loadConfig({ ...env, TABLES_CONNECTION_STRING: inject('tablesConnectionString'), PORT: '0' });
    tables = await createTableFactory(config);
    const cipher = createFieldCipher(config.encryptionKeys);
    repo = new AssessmentRepository(tables, cipher);
    shares = new ShareRepository(tables, cipher);
    audit = new AuditRepository(tables);
    standby = spawn();
    bot = await spawn();
    const author = newUser('Author');
    await client.send(message(client, author, 'help'));
    const done = await completeAssessment(client, author, 'CR-8000', (f, s) => `${f} ${s} ${randomUUID().slice(0, 4)}`);
    template = (await repo.get(ownerOf(author), done.id))!.assessment;
    expect(template.status).toBe('completed');
  }, 120_000);
  afterAll(async () => {
    proxy?.observe(undefined);
    await Promise.all([...processes.map((p) => p.kill('SIGKILL'))]);
    await proxy?.close();
    await connector?.close();
  });

  /** SIGKILLs the serving process and makes the standby (started ahead, as a new App Service instance) the serving one. */
  let failingOver: Promise<void> = Promise.resolve();
  const killAndFailOver = (): Promise<void> => {
    const dying = bot;
    failingOver = (async () => {
      await dying.kill('SIGKILL');
      bot = await standby;
      standby = spawn();
    })();
    return failingOver;
  };

  /** Both practitioners have a personal chat with tencs; the owner has a completed assessment of the case, shared to a team with a note. */
  async function scene(caseRef: string): Promise<Scene> {
    const owner = newUser('Owner');
    const colleague = newUser('Colleague');
    await client.send(message(client, owner, 'help'));
    await client.send(message(client, colleague, 'help'));
    const id = assessmentIdFor(randomUUID(), new Date());
    const original: Assessment = {
      ...template,
      id,
      tenantId: owner.tenantId,
      ownerId: owner.aadObjectId,
      setup: { ...template.setup!, caseRef },
    };
    await repo.create(original);
    const teamId = `19:${randomUUID().slice(0, 8)}@thread.tacv2`;
    const at = new Date().toISOString();
    const share: Share = {
      id: shareIdFor(owner.tenantId, id, teamId),
      tenantId: owner.tenantId,
      assessmentId: id,
      ownerId: owner.aadObjectId,
      ownerName: owner.name,
      teamId,
      teamName: 'Safeguarding team',
      channelId: teamId,
      serviceUrl: connector.url,
      status: 'posted',
      conversationId: `${teamId};messageid=1`,
      activityId: '1',
      createdAt: at,
      updatedAt: at,
      postedAt: at,
    };
    await shares.create(share);
    const noteText = `Supervision note ${randomUUID()}`;
    expect(await shares.addNote(share, { kind: 'note', authorId: randomUUID(), authorName: 'Manager', at, text: noteText }, randomUUID())).toBe(true);
    return { owner, colleague, caseRef, original, share, noteText };
  }

  /** The owner offers the case; returns the owner's "offered" card and the offer card the colleague got in their personal chat. */
  async function offer(s: Scene, offerActivity?: Record<string, unknown>): Promise<{ sent: Card; offerCard: Card; activity: Record<string, unknown> }> {
    const choose = await cardFrom(client.send(message(client, s.owner, `hand over ${s.caseRef}`)));
    const activity =
      offerActivity ?? execute(client, s.owner, VERBS.handOverOffer, { ...actionOf(choose, VERBS.handOverOffer).data, colleague: s.colleague.aadObjectId });
    const sent = await cardFrom(client.send(activity));
    expect(cardText(sent)).toContain('Hand-over offered');
    return { sent, offerCard: offerCardFor(s.colleague)!, activity };
  }

  const offerCardsFor = (to: TestUser): Card[] =>
    connector.calls
      .filter((c) => c.method === 'POST' && c.conversationId === to.conversationId)
      .flatMap((c) => (c.body.attachments as { content: Card }[] | undefined) ?? [])
      .map((a) => a.content)
      .filter((card) => executeActions(card).some((a) => a.verb === VERBS.handOverAccept));
  const offerCardFor = (to: TestUser): Card | undefined => offerCardsFor(to).at(-1);

  /**
   * Sends `activity` with the bot killed right after the k-th storage write of its turn committed (the answer
   * never reaches the bot), or before the first write when k is 0. Returns the writes seen, and whether the kill happened.
   */
  async function sendKilledAt(k: number, activity: Record<string, unknown>): Promise<{ killed: boolean; writes: string[]; turn: TurnResult }> {
    const writes: string[] = [];
    let killed = false;
    proxy.observe((r) => {
      if (!isWrite(r) || killed) return undefined;
      writes.push(describeWrite(r));
      if (k === 0) {
        killed = true;
        return { kind: 'before', hook: killAndFailOver };
      }
      if (writes.length === k) {
        killed = true;
        return { kind: 'after-commit', then: 'reset', hook: killAndFailOver };
      }
      return undefined;
    });
    try {
      const turn = await client.send(activity);
      // The turn's connection drops as the process dies, before the new one is serving.
      await failingOver;
      return { killed, writes, turn };
    } finally {
      proxy.observe(undefined);
    }
  }

  const auditActions = async (id: string): Promise<AuditAction[]> => (await audit.listForAssessments([id])).map((e) => e.action);

  async function rowsOf(table: string, filter: string): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for await (const e of tables.table(table).listEntities({ queryOptions: { filter } })) out.push(e);
    return out;
  }

  /** After the hand-over: one row of the assessment, the colleague's, unmarked and unchanged; share, note and audit moved; the old owner refused. */
  async function expectHandedOver(s: Scene, handOverId: string, sent: Card): Promise<void> {
    const id = s.original.id;
    const rows = await rowsOf(ASSESSMENTS_TABLE, odata`RowKey eq ${id}`);
    expect(rows.map((r) => r.partitionKey)).toEqual([ownerKey(ownerOf(s.colleague))]);
    expect(rows[0]![HAND_OVER_MARKER] ?? null).toBeNull();
    const moved = await repo.get(ownerOf(s.colleague), id);
    expect(moved?.assessment).toEqual({ ...s.original, ownerId: s.colleague.aadObjectId });
    expect(moved?.handOver).toBeUndefined();
    const record = await rowsOf(HAND_OVERS_TABLE, odata`PartitionKey eq ${handOverId}`);
    expect(record.map((r) => r.state)).toEqual(['done']);

    const share = await shares.get(s.owner.tenantId, s.share.id);
    expect(share?.share.ownerId).toBe(s.colleague.aadObjectId);
    expect(share?.share.assessmentId).toBe(id);
    expect((await shares.entries(s.share)).notes.map((n) => n.text)).toEqual([s.noteText]);

    // Audited once on each side, whatever was retried.
    const trail = await audit.listForAssessments([id]);
    const count = (action: AuditAction, who: TestUser) =>
      trail.filter((e) => e.action === action && e.ownerKey === ownerKey(ownerOf(who)) && e.detail === `handover:${handOverId}`).length;
    expect(
      { offered: count('hand-over-offered', s.owner), handedOver: count('handed-over', s.owner), received: count('received', s.colleague) },
      JSON.stringify(trail.map((e) => e.action)),
    ).toEqual({ offered: 1, handedOver: 1, received: 1 });

    // The colleague finds it and opens it; the former owner does not, and their cards are refused kindly.
    expect(await textOf(message(client, s.colleague, 'my assessments'))).toContain(s.caseRef);
    expect(await textOf(execute(client, s.colleague, VERBS.open, { assessmentId: id }))).toContain(s.caseRef);
    expect(await textOf(message(client, s.owner, 'my assessments'))).not.toContain(s.caseRef);
    for (const verb of [VERBS.open, VERBS.reassess, VERBS.compare, VERBS.handOverChoose])
      expect(await textOf(execute(client, s.owner, verb, { assessmentId: id })), verb).toContain("I can't open that assessment");
    expect(await textOf(execute(client, s.owner, VERBS.handOverTakeBack, actionOf(sent, VERBS.handOverTakeBack).data))).toContain(
      'This hand-over was already accepted.',
    );
  }

  /** The hand-over id the offer card carries (client data, the colleague's own offer). */
  const idOf = (offerCard: Card) => String(actionOf(offerCard, VERBS.handOverAccept).data.handOverId);

  it('when nothing fails, then the accept makes the writes the kills below are placed at', { timeout: 120_000 }, async () => {
    const s = await scene('CR-8001');
    const { sent, offerCard } = await offer(s);
    const accept = execute(client, s.colleague, VERBS.handOverAccept, actionOf(offerCard, VERBS.handOverAccept).data);
    const clean = await sendKilledAt(Number.MAX_SAFE_INTEGER, accept);
    expect(clean.killed).toBe(false);
    expect(cardText(await cardFrom(Promise.resolve(clean.turn)))).toContain('The case is yours now');
    // Marked, copied, two audit rows, the commit, the share, the original deleted, the copy unmarked, done: at least nine.
    expect(clean.writes.length, clean.writes.join('\n')).toBeGreaterThanOrEqual(9);
    console.info(`accept writes:\n${clean.writes.join('\n')}`);
    await expectHandedOver(s, idOf(offerCard), sent);
  });

  it(
    'when the bot dies at each write of the accept, then the accept sent again completes it: one owner, the colleague, nothing lost, audited once each side',
    { timeout: 900_000 },
    async () => {
      const seen: string[] = [];
      // k = 0: before the first write; then after each write in turn, until an accept makes fewer writes than k.
      for (let k = 0; k < 40; k++) {
        const s = await scene(`CR-81${String(k).padStart(2, '0')}`);
        const { sent, offerCard } = await offer(s);
        const accept = execute(client, s.colleague, VERBS.handOverAccept, actionOf(offerCard, VERBS.handOverAccept).data);
        const run = await sendKilledAt(k, accept);
        if (!run.killed) {
          // Past the last write: the turn completed untouched, and every earlier k was a kill.
          expect(k).toBeGreaterThanOrEqual(9);
          expect(cardText(await cardFrom(Promise.resolve(run.turn)))).toContain('The case is yours now');
          break;
        }
        seen.push(`k=${k}: ${run.writes.at(-1)}`);
        // The dying process never answered.
        expect(run.turn.status).toBe(0);
        // Teams sends the same activity again; the new process completes the hand-over.
        const again = cardText(await cardFrom(client.send(accept)));
        expect(again, seen.at(-1)).toContain('The case is yours now');
        await expectHandedOver(s, idOf(offerCard), sent);
      }
      console.info(`accept killed at:\n${seen.join('\n')}`);
      expect(seen.length).toBeGreaterThanOrEqual(10);
    },
  );

  it(
    'when the bot dies mid-accept and no one sends it again, then the hand-over recovery job on a new process completes it',
    { timeout: 300_000 },
    async () => {
      // One kill before the commit point (after the copy) and one after it (after the original was deleted).
      for (const step of ['copy', 'delete']) {
        const s = await scene(step === 'copy' ? 'CR-8201' : 'CR-8202');
        const { sent, offerCard } = await offer(s);
        const accept = execute(client, s.colleague, VERBS.handOverAccept, actionOf(offerCard, VERBS.handOverAccept).data);
        const writes: string[] = [];
        let killed = false;
        proxy.observe((r) => {
          if (!isWrite(r) || killed) return undefined;
          writes.push(describeWrite(r));
          const hit = step === 'copy' ? r.method === 'POST' && /assessments(\?|$)/.test(r.path) : r.method === 'DELETE' && r.path.includes('assessments(');
          if (!hit) return undefined;
          killed = true;
          return { kind: 'after-commit', then: 'reset', hook: killAndFailOver };
        });
        const turn = await client.send(accept).finally(() => proxy.observe(undefined));
        await failingOver;
        expect(killed, writes.join('\n')).toBe(true);
        expect(turn.status).toBe(0);
        const id = idOf(offerCard);
        const state = async () => (await rowsOf(HAND_OVERS_TABLE, odata`PartitionKey eq ${id}`))[0]?.state;
        expect(await state()).not.toBe('done');
        // A process whose recovery job runs every second: it finds the unfinished hand-over and finishes it.
        const recovering = await spawn({ HAND_OVER_RECOVERY_PERIOD_MS: '1000', JOB_TICK_MS: '200', JOB_LEASE_MS: '2000' });
        try {
          const deadline = Date.now() + 60_000;
          while ((await state()) !== 'done') {
            if (Date.now() > deadline) throw new Error(`hand-over ${id} not finished by the recovery job:\n${recovering.output.join('\n')}`);
            await new Promise((r) => setTimeout(r, 100));
          }
          // The job logs after its last write, so the line may reach us a little after the record says done.
          const recovered = () => recovering.output.some((l) => l.includes('"event":"hand-over.recovered"'));
          const logDeadline = Date.now() + 10_000;
          while (!recovered() && Date.now() < logDeadline) await new Promise((r) => setTimeout(r, 100));
          expect(recovered(), recovering.output.join('\n')).toBe(true);
        } finally {
          await recovering.kill('SIGKILL');
        }
        await expectHandedOver(s, id, sent);
        // The colleague's accept, pressed late, finds it done and says so.
        expect(cardText(await cardFrom(client.send(accept)))).toContain('The case is yours now');
      }
    },
  );

  it(
    'when the bot dies at each write of the offer, then the offer sent again is one offer, and accepting it moves the case once',
    { timeout: 300_000 },
    async () => {
      const seen: string[] = [];
      for (let k = 0; k < 20; k++) {
        const s = await scene(`CR-83${String(k).padStart(2, '0')}`);
        const choose = await cardFrom(client.send(message(client, s.owner, `hand over ${s.caseRef}`)));
        const activity = execute(client, s.owner, VERBS.handOverOffer, { ...actionOf(choose, VERBS.handOverOffer).data, colleague: s.colleague.aadObjectId });
        const run = await sendKilledAt(k, activity);
        if (!run.killed) {
          expect(k).toBeGreaterThanOrEqual(2);
          break;
        }
        seen.push(`k=${k}: ${run.writes.at(-1)}`);
        const { sent, offerCard } = await offer(s, activity);
        // One offer reached the colleague, and one hand-over record exists for the assessment.
        expect(offerCardsFor(s.colleague)).toHaveLength(1);
        const records = await rowsOf(HAND_OVERS_TABLE, odata`PartitionKey eq ${idOf(offerCard)}`);
        expect(records.map((r) => r.state)).toEqual(['pending']);
        // Until accepted, the owner keeps it and can open it.
        expect(await textOf(execute(client, s.owner, VERBS.open, { assessmentId: s.original.id }))).toContain(s.caseRef);
        expect(cardText(await cardFrom(press(client, s.colleague, offerCard, VERBS.handOverAccept)))).toContain('The case is yours now');
        await expectHandedOver(s, idOf(offerCard), sent);
      }
      console.info(`offer killed at:\n${seen.join('\n')}`);
      expect(seen.length).toBeGreaterThanOrEqual(2);
    },
  );

  it(
    'when the bot dies at each write of the take-back, then the take-back sent again withdraws the offer once: the owner keeps it, the accept is refused',
    { timeout: 300_000 },
    async () => {
      const seen: string[] = [];
      for (let k = 0; k < 20; k++) {
        const s = await scene(`CR-84${String(k).padStart(2, '0')}`);
        const { sent, offerCard } = await offer(s);
        const takeBack = execute(client, s.owner, VERBS.handOverTakeBack, actionOf(sent, VERBS.handOverTakeBack).data);
        const run = await sendKilledAt(k, takeBack);
        if (!run.killed) {
          expect(k).toBeGreaterThanOrEqual(2);
          break;
        }
        seen.push(`k=${k}: ${run.writes.at(-1)}`);
        expect(cardText(await cardFrom(client.send(takeBack)))).toContain('Hand-over taken back');
        const id = s.original.id;
        const handOverId = idOf(offerCard);
        expect((await rowsOf(HAND_OVERS_TABLE, odata`PartitionKey eq ${handOverId}`)).map((r) => r.state)).toEqual(['taken-back']);
        expect(cardText(await cardFrom(press(client, s.colleague, offerCard, VERBS.handOverAccept)))).toContain('withdrawn before you accepted');
        // One row, the owner's, unmarked and unchanged; the share still the owner's with its note.
        const rows = await rowsOf(ASSESSMENTS_TABLE, odata`RowKey eq ${id}`);
        expect(rows.map((r) => r.partitionKey)).toEqual([ownerKey(ownerOf(s.owner))]);
        expect(rows[0]![HAND_OVER_MARKER] ?? null).toBeNull();
        expect((await repo.get(ownerOf(s.owner), id))?.assessment).toEqual(s.original);
        expect((await shares.get(s.owner.tenantId, s.share.id))?.share.ownerId).toBe(s.owner.aadObjectId);
        expect((await shares.entries(s.share)).notes.map((n) => n.text)).toEqual([s.noteText]);
        expect(await textOf(message(client, s.owner, 'my assessments'))).toContain(s.caseRef);
        expect(await textOf(execute(client, s.owner, VERBS.open, { assessmentId: id }))).toContain(s.caseRef);
        expect(await textOf(message(client, s.colleague, 'my assessments'))).not.toContain(s.caseRef);
        const actions = await auditActions(id);
        expect(
          actions.filter((a) => a === 'hand-over-taken-back'),
          actions.join(),
        ).toHaveLength(1);
        expect(
          actions.filter((a) => a === 'hand-over-offered'),
          actions.join(),
        ).toHaveLength(1);
        expect(actions.filter((a) => a === 'handed-over' || a === 'received')).toEqual([]);
      }
      console.info(`take-back killed at:\n${seen.join('\n')}`);
      expect(seen.length).toBeGreaterThanOrEqual(2);
    },
  );
});
