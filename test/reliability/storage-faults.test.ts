import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import type { AssessmentRepository } from '../../src/storage/assessment-repository.js';
import { freePort } from '../helpers/azurite.js';
import { botEnv, repositoryFor, spawnBot, type BotProcess } from '../helpers/bot-process.js';
import { startConnector, type LoopbackConnector } from '../helpers/connector.js';
import { entityReadOf, entityWriteTo, startFaultProxy, type Fault, type FaultProxy, type ProxiedRequest } from '../helpers/fault-proxy.js';
import { advanceTo, checkPromise, leakedText, post, Practitioner, seededRandom, type Move, type Seen } from '../helpers/practitioner.js';

/** Teams gives up on a bot's answer after 15 seconds; every turn must answer well inside that. */
const TEAMS_LIMIT_MS = 15_000;

const isReplace = (r: { method: string; path: string }) => r.method === 'PUT' && entityWriteTo('assessments')(r);
const isCreate = (r: { method: string; path: string }) => r.method === 'POST' && entityWriteTo('assessments')(r);
const isAuditInsert = (r: { method: string; path: string }) => r.method === 'POST' && entityWriteTo('audit')(r);
const committed = (requests: readonly ProxiedRequest[], match: (r: ProxiedRequest) => boolean) =>
  requests.filter((r) => match(r) && r.upstreamStatus !== undefined && r.upstreamStatus < 300).length;

/**
 * The bot runs as its own process: in-process, nock's socket interceptor emits a second error for a
 * request aborted by the storage deadline, which production (no nock) never sees.
 */
describe('when Table Storage fails while a practitioner saves an answer', () => {
  let proxy: FaultProxy;
  let connector: LoopbackConnector;
  let bot: BotProcess;
  let repository: AssessmentRepository;
  let seed = 100;
  const everyone: Practitioner[] = [];

  beforeAll(async () => {
    proxy = await startFaultProxy(inject('azuritePort'));
    const env = botEnv(proxy.connectionString);
    connector = await startConnector();
    bot = await spawnBot(env, await freePort());
    repository = await repositoryFor(env, inject('tablesConnectionString'));
  });
  afterEach(() => {
    // A fault a test queued but its turn never met would land on the next test instead.
    expect(proxy.pending(), 'every injected fault was met').toBe(0);
    proxy.clearFaults();
  });
  afterAll(async () => {
    await bot?.kill('SIGTERM');
    await connector?.close();
    await proxy?.close();
  });

  const send = (activity: Record<string, unknown>) => post(bot.url, connector, activity);

  /** A practitioner on C3 (context) with C1 and C2 saved; saving C3 shows C4 (content). */
  async function onContext(): Promise<Practitioner> {
    const p = new Practitioner(`p${seed}`, connector, seededRandom(seed++));
    everyone.push(p);
    await advanceTo(p, 'context', send);
    return p;
  }

  async function turn(p: Practitioner, move: Move): Promise<{ seen: Seen; ms: number }> {
    const attempt = p.begin(move);
    const result = await send(move.activity);
    return { seen: p.finish(move, attempt, result), ms: result.ms };
  }

  async function revOf(p: Practitioner): Promise<number> {
    const stored = await repository.get({ tenantId: p.user.tenantId, aadObjectId: p.user.aadObjectId }, p.assessmentId!);
    return stored!.assessment.rev;
  }

  /** Saves C3 with `fault` injected on the matching requests and checks the answer is stored, written once. */
  async function savesThrough(fault: Fault, match: (r: { method: string; path: string }) => boolean, times = 1): Promise<void> {
    const p = await onContext();
    const rev = await revOf(p);
    const mark = proxy.requests.length;
    proxy.inject({ fault, match, times });
    const { seen, ms } = await turn(p, p.submit(VERBS.stepNext));
    expect(proxy.pending(), 'the fault was applied').toBe(0);
    expect(seen.kind === 'step' && seen.ref.step, JSON.stringify(seen).slice(0, 300)).toBe('content');
    expect(ms).toBeLessThan(TEAMS_LIMIT_MS);
    expect(await checkPromise(repository, [p])).toEqual([]);
    expect(await revOf(p)).toBe(rev + 1);
    expect(committed(proxy.requests.slice(mark), isReplace)).toBe(1);
  }

  it('when the write gets 503 twice, then the retry saves it once and the next card shows', async () => {
    await savesThrough({ kind: 'status', status: 503 }, isReplace, 2);
  });

  it('when the write gets 500 OperationTimedOut before it reached storage, then the retry saves it once', async () => {
    await savesThrough({ kind: 'status', status: 500 }, isReplace);
  });

  it('when the write committed but answered 500 OperationTimedOut, then the retry recognises its own write (412) and saves nothing twice', async () => {
    await savesThrough({ kind: 'after-commit', then: { status: 500 } }, isReplace);
  });

  it('when the connection is reset after the write committed, then the retry recognises its own write and the next card shows', async () => {
    await savesThrough({ kind: 'after-commit', then: 'reset' }, isReplace);
  });

  it('when storage throttles with 429 and Retry-After, then the bot waits, retries and saves once', async () => {
    await savesThrough({ kind: 'status', status: 429, headers: { 'retry-after': '1' } }, isReplace);
  });

  it('when the write gets 412 although nobody else wrote, then it is decided again on a fresh read and saved once', async () => {
    await savesThrough({ kind: 'status', status: 412 }, isReplace);
  });

  it('when the read before the write gets 503 and a reset, then the retries carry the save', async () => {
    const p = await onContext();
    proxy.inject({ fault: { kind: 'status', status: 503 }, match: entityReadOf('assessments') });
    proxy.inject({ fault: { kind: 'reset' }, match: entityReadOf('assessments') });
    const { seen } = await turn(p, p.submit(VERBS.stepNext));
    expect(seen.kind === 'step' && seen.ref.step).toBe('content');
    expect(await checkPromise(repository, [p])).toEqual([]);
  });

  it('when the audit entry of a new assessment committed but its answer was lost, then "start" still shows the cautions, with one entry', async () => {
    const p = new Practitioner(`p${seed}`, connector, seededRandom(seed++));
    everyone.push(p);
    const mark = proxy.requests.length;
    proxy.inject({ fault: { kind: 'after-commit', then: 'reset' }, match: isAuditInsert });
    const { seen } = await turn(p, p.start());
    expect(seen.kind === 'step' && seen.ref.step, JSON.stringify(seen).slice(0, 300)).toBe('cautions');
    expect(committed(proxy.requests.slice(mark), isAuditInsert)).toBe(1);
    expect(await checkPromise(repository, [p])).toEqual([]);
  });

  it('when the audit entry fails after "complete" was written, then the completion is whole, the practitioner is told to retry, and the retry confirms it', async () => {
    const p = new Practitioner(`p${seed}`, connector, seededRandom(seed++));
    everyone.push(p);
    await advanceTo(p, 'review', send);
    proxy.inject({ fault: { kind: 'status', status: 503 }, match: isAuditInsert, times: 3 });
    const move: Move = { label: 'complete', kind: 'complete', activity: p.press(VERBS.reviewComplete) };
    const first = await turn(p, move);
    expect(first.seen.kind === 'notice' && first.seen.text).toMatch(/try again/);
    const stored = await repository.get({ tenantId: p.user.tenantId, aadObjectId: p.user.aadObjectId }, p.assessmentId!);
    expect(stored?.assessment.status).toBe('completed');
    expect(await checkPromise(repository, [p])).toEqual([]);
    const again = await turn(p, move);
    expect(again.seen.kind).toBe('completed');
    expect(await checkPromise(repository, [p])).toEqual([]);
  });

  it('when "start" is created but the answer is lost, then the retry finds the same assessment: one assessment, cautions shown', async () => {
    const p = new Practitioner(`p${seed}`, connector, seededRandom(seed++));
    everyone.push(p);
    const mark = proxy.requests.length;
    proxy.inject({ fault: { kind: 'after-commit', then: 'reset' }, match: isCreate });
    const { seen } = await turn(p, p.start());
    expect(seen.kind === 'step' && seen.ref.step).toBe('cautions');
    expect(committed(proxy.requests.slice(mark), isCreate)).toBe(1);
    expect(await checkPromise(repository, [p])).toEqual([]);
  });

  it('when storage answers 503 to every try, then the practitioner gets "not saved" with their text kept, nothing is written, and pressing again saves it', async () => {
    const p = await onContext();
    const rev = await revOf(p);
    proxy.inject({ fault: { kind: 'status', status: 503 }, match: isReplace, times: 3 });
    const first = await turn(p, p.submit(VERBS.stepNext));
    expect(first.seen.kind === 'step' && first.seen.notSaved).toBe(true);
    expect(p.problems).toEqual([]);
    expect(await revOf(p)).toBe(rev);
    const again = await turn(p, p.nextMove());
    expect(again.seen.kind === 'step' && again.seen.ref.step).toBe('content');
    expect(await checkPromise(repository, [p])).toEqual([]);
  });

  it(
    'when storage throttles with a Retry-After longer than the deadline, then the practitioner gets "not saved" with the text kept inside Teams\' 15 s',
    { timeout: 60_000 },
    async () => {
      const p = await onContext();
      const rev = await revOf(p);
      proxy.inject({ fault: { kind: 'status', status: 429, headers: { 'retry-after': '60' } }, match: isReplace });
      const first = await turn(p, p.submit(VERBS.stepNext));
      expect(first.seen.kind === 'step' && first.seen.notSaved, JSON.stringify(first.seen).slice(0, 300)).toBe(true);
      expect(first.ms).toBeLessThan(TEAMS_LIMIT_MS);
      expect(p.problems).toEqual([]);
      expect(await revOf(p)).toBe(rev);
      const again = await turn(p, p.nextMove());
      expect(again.seen.kind === 'step' && again.seen.ref.step).toBe('content');
      expect(await checkPromise(repository, [p])).toEqual([]);
    },
  );

  for (const where of ['read', 'write'] as const) {
    it(
      `when storage hangs on the ${where}, then the turn answers "not saved" with the text kept well inside Teams' 15 s, and pressing again saves it`,
      { timeout: 60_000 },
      async () => {
        const p = await onContext();
        const rev = await revOf(p);
        proxy.inject({ fault: { kind: 'hang' }, match: where === 'read' ? entityReadOf('assessments') : isReplace, times: 3 });
        const first = await turn(p, p.submit(VERBS.stepNext));
        proxy.clearFaults();
        expect(first.seen.kind === 'step' && first.seen.notSaved, JSON.stringify(first.seen).slice(0, 300)).toBe(true);
        expect(first.ms).toBeLessThan(TEAMS_LIMIT_MS);
        expect(p.problems).toEqual([]);
        expect(await revOf(p)).toBe(rev);
        const again = await turn(p, p.nextMove());
        expect(again.seen.kind === 'step' && again.seen.ref.step).toBe('content');
        expect(await checkPromise(repository, [p])).toEqual([]);
      },
    );
  }

  it('when all of the above has happened, then no text a practitioner typed is in any log line (errors included)', () => {
    expect(everyone.length).toBeGreaterThan(10);
    expect(leakedText(bot.output, everyone)).toEqual([]);
  });
});
