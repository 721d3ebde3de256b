import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import type { AssessmentRepository } from '../../src/storage/assessment-repository.js';
import { isFormStep } from '../../src/tencs/step-forms.js';
import { freePort } from '../helpers/azurite.js';
import { botEnv, repositoryFor, spawnBot, type BotProcess } from '../helpers/bot-process.js';
import { startConnector, type LoopbackConnector } from '../helpers/connector.js';
import { entityReadOf, entityWriteTo, startFaultProxy, type Fault, type FaultProxy } from '../helpers/fault-proxy.js';
import { checkPromise, drive, leakedText, post, Practitioner, seededRandom, seenIn, type Move, type Seen } from '../helpers/practitioner.js';

const SOAK = process.env.SOAK === '1';
const MODEL_SEED = Number(process.env.SOAK_SEED ?? 42);

type Json = Record<string, unknown>;

describe('two bot processes sharing one Table Storage', () => {
  let proxy: FaultProxy;
  let connector: LoopbackConnector;
  let instances: BotProcess[];
  let env: Record<string, string>;
  let repository: AssessmentRepository;

  beforeAll(async () => {
    proxy = await startFaultProxy(inject('azuritePort'));
    connector = await startConnector();
    env = botEnv(proxy.connectionString);
    instances = await Promise.all([spawnBot(env, await freePort()), spawnBot(env, await freePort())]);
    repository = await repositoryFor(env, inject('tablesConnectionString'));
  });
  afterAll(async () => {
    await Promise.all((instances ?? []).map((b) => b.kill('SIGTERM')));
    await connector?.close();
    await proxy?.close();
  });

  it(
    'when requests alternate between the instances, then every practitioner completes and every confirmed answer is stored once',
    { timeout: 120_000 },
    async () => {
      const practitioners = [1, 2, 3].map((i) => new Practitioner(`alt${i}`, connector, seededRandom(40 + i)));
      let next = 0;
      const served = [0, 0];
      const stats = await Promise.all(
        practitioners.map((p) =>
          drive(p, (activity) => {
            // A load balancer with no affinity: each activity goes to the other instance than the last one.
            const i = next++ % 2;
            served[i]!++;
            return post(instances[i]!.url, connector, activity);
          }),
        ),
      );
      expect(stats.every((s) => s.replays === 0)).toBe(true);
      expect(served[0]).toBeGreaterThan(10);
      expect(served[1]).toBeGreaterThan(10);
      expect(await checkPromise(repository, practitioners)).toEqual([]);
      expect(
        leakedText(
          instances.flatMap((b) => b.output),
          practitioners,
        ),
      ).toEqual([]);
    },
  );

  describe('model-based: random interleavings of several practitioners across both instances, with storage faults', () => {
    /** The practitioners of one run, what each last sent, and their second device's card. */
    interface Model {
      readonly practitioners: Practitioner[];
      /** A move whose turn gave no usable answer; the practitioner (or Teams) sends it again. */
      readonly unanswered: Map<Practitioner, Move>;
      /** The card before the last one, still open on another device. */
      readonly older: Map<Practitioner, { readonly card: Json | undefined; readonly at: number }>;
      readonly log: string[];
    }

    const FAULTS: readonly {
      readonly name: string;
      readonly fault: Fault;
      readonly match: (r: { method: string; path: string }) => boolean;
      readonly times?: number;
    }[] = [
      { name: '503 on a save', fault: { kind: 'status', status: 503 }, match: entityWriteTo('assessments') },
      { name: '503 x3 on a save', fault: { kind: 'status', status: 503 }, match: entityWriteTo('assessments'), times: 3 },
      { name: '500 after a save committed', fault: { kind: 'after-commit', then: { status: 500 } }, match: entityWriteTo('assessments') },
      { name: 'reset after a save committed', fault: { kind: 'after-commit', then: 'reset' }, match: entityWriteTo('assessments') },
      { name: 'reset after an audit insert committed', fault: { kind: 'after-commit', then: 'reset' }, match: entityWriteTo('audit') },
      { name: '412 on a save', fault: { kind: 'status', status: 412 }, match: (r) => r.method === 'PUT' && entityWriteTo('assessments')(r) },
      { name: '503 x3 on a read', fault: { kind: 'status', status: 503 }, match: entityReadOf('assessments'), times: 3 },
      { name: 'reset on a read', fault: { kind: 'reset' }, match: entityReadOf('assessments') },
      ...(SOAK
        ? [
            {
              name: '429 Retry-After on a save',
              fault: { kind: 'status', status: 429, headers: { 'retry-after': '1' } } as Fault,
              match: entityWriteTo('assessments'),
            },
            { name: 'hang on a save', fault: { kind: 'hang' } as Fault, match: entityWriteTo('assessments'), times: 3 },
          ]
        : []),
    ];

    /** Sends one move to an instance and records it; a turn must always answer with a card. */
    async function act(m: Model, p: Practitioner, instance: number, move: Move): Promise<Seen> {
      const attempt = p.begin(move);
      const seen = p.finish(move, attempt, await post(instances[instance]!.url, connector, move.activity));
      m.log.push(`${p.name}@${instance}: ${move.label} -> ${seen.kind === 'step' ? `${seen.ref.step}${seen.notSaved ? ' (not saved)' : ''}` : seen.kind}`);
      // Whatever storage did, the practitioner is answered with a card, never an error or silence.
      expect(seen.kind, m.log.join('\n')).not.toBe('failed');
      expect(seen.kind, m.log.join('\n')).not.toBe('text');
      return seen;
    }

    /** The practitioner's next move: the unanswered one again (same activity), or the next step of their work. */
    function nextFor(m: Model, p: Practitioner): Move {
      return m.unanswered.get(p) ?? p.nextMove();
    }

    function record(m: Model, p: Practitioner, move: Move, seen: Seen, before: { readonly card: Json | undefined; readonly at: number }): void {
      if (seen.kind === 'notice' || seen.kind === 'failed' || seen.kind === 'text') m.unanswered.set(p, move);
      else m.unanswered.delete(p);
      if (p.card !== before.card) m.older.set(p, before);
    }

    class Act implements fc.AsyncCommand<Model, unknown> {
      constructor(
        readonly who: number,
        readonly instance: number,
      ) {}
      check = (m: Readonly<Model>) => !m.practitioners[this.who]!.done;
      async run(m: Model): Promise<void> {
        const p = m.practitioners[this.who]!;
        const before = { card: p.card, at: p.cardAt };
        const move = nextFor(m, p);
        record(m, p, move, await act(m, p, this.instance, move), before);
      }
      toString = () => `act(p${this.who}, instance ${this.instance})`;
    }

    class Redeliver implements fc.AsyncCommand<Model, unknown> {
      constructor(
        readonly who: number,
        readonly instance: number,
      ) {}
      check = (m: Readonly<Model>) => m.practitioners[this.who]!.lastMove !== undefined;
      async run(m: Model): Promise<void> {
        // Teams delivers the last activity again (same id, same card data), e.g. after a timeout.
        const p = m.practitioners[this.who]!;
        const before = { card: p.card, at: p.cardAt };
        const move = p.lastMove!;
        record(m, p, move, await act(m, p, this.instance, move), before);
      }
      toString = () => `redeliver(p${this.who}, instance ${this.instance})`;
    }

    class OtherDevice implements fc.AsyncCommand<Model, unknown> {
      constructor(
        readonly who: number,
        readonly instance: number,
      ) {}
      check = (m: Readonly<Model>) => {
        const card = m.older.get(m.practitioners[this.who]!)?.card;
        const p = m.practitioners[this.who]!;
        if (!card || p.done) return false;
        const shown = p.card;
        p.card = card;
        const ref = p.ref();
        p.card = shown;
        return (
          ref !== undefined &&
          isFormStep(ref.step) &&
          seenIn({ status: 200, body: { type: 'application/vnd.microsoft.card.adaptive', value: card }, sent: [], error: undefined, ms: 0 }).kind === 'step'
        );
      };
      async run(m: Model): Promise<void> {
        // The same practitioner saves a different answer from an older card still open on their phone.
        const p = m.practitioners[this.who]!;
        const shown = { card: p.card, at: p.cardAt };
        const older = m.older.get(p)!;
        p.card = older.card;
        p.cardAt = older.at;
        const move = p.submit(VERBS.stepNext);
        await act(m, p, this.instance, { ...move, label: `other device: ${move.label}` });
        p.card = shown.card;
        p.cardAt = shown.at;
        m.older.delete(p);
      }
      toString = () => `otherDevice(p${this.who}, instance ${this.instance})`;
    }

    class Together implements fc.AsyncCommand<Model, unknown> {
      constructor(
        readonly first: number,
        readonly second: number,
      ) {}
      check = (m: Readonly<Model>) => this.first !== this.second && !m.practitioners[this.first]!.done && !m.practitioners[this.second]!.done;
      async run(m: Model): Promise<void> {
        await Promise.all(
          [this.first, this.second].map(async (who, instance) => {
            const p = m.practitioners[who]!;
            const before = { card: p.card, at: p.cardAt };
            const move = nextFor(m, p);
            record(m, p, move, await act(m, p, instance, move), before);
          }),
        );
      }
      toString = () => `together(p${this.first} on 0, p${this.second} on 1)`;
    }

    class StorageFault implements fc.AsyncCommand<Model, unknown> {
      constructor(readonly which: number) {}
      check = () => true;
      async run(m: Model): Promise<void> {
        const f = FAULTS[this.which]!;
        m.log.push(`fault: ${f.name}`);
        proxy.inject({ fault: f.fault, match: f.match, times: f.times ?? 1 });
      }
      toString = () => `fault(${FAULTS[this.which]!.name})`;
    }

    it(
      `then every confirmed answer is stored with its last value and every turn is answered (seed ${MODEL_SEED})`,
      { timeout: SOAK ? 1_800_000 : 120_000 },
      async () => {
        const who = fc.integer({ min: 0, max: 2 });
        const instance = fc.integer({ min: 0, max: 1 });
        const act = fc.tuple(who, instance).map(([p, i]) => new Act(p, i));
        const commands = fc.commands(
          [
            act,
            act,
            act,
            act,
            fc.tuple(who, instance).map(([p, i]) => new Redeliver(p, i)),
            fc.tuple(who, instance).map(([p, i]) => new OtherDevice(p, i)),
            fc.tuple(who, who).map(([a, b]) => new Together(a, b)),
            fc.integer({ min: 0, max: FAULTS.length - 1 }).map((f) => new StorageFault(f)),
          ],
          { maxCommands: SOAK ? 80 : 40, size: 'max' },
        );
        let run = 0;
        const everyone: Practitioner[] = [];
        await fc.assert(
          fc.asyncProperty(commands, fc.integer({ min: 1, max: 1_000_000 }), async (cmds, practitionerSeed) => {
            run++;
            proxy.clearFaults();
            const model: Model = {
              practitioners: [0, 1, 2].map((i) => new Practitioner(`m${run}p${i}`, connector, seededRandom(practitionerSeed + i))),
              unanswered: new Map(),
              older: new Map(),
              log: [],
            };
            everyone.push(...model.practitioners);
            await fc.asyncModelRun(() => ({ model, real: {} }), cmds);
            proxy.clearFaults();
            expect(await checkPromise(repository, model.practitioners), model.log.join('\n')).toEqual([]);
          }),
          { seed: MODEL_SEED, numRuns: SOAK ? 60 : 6, endOnFailure: process.env.SHRINK !== '1' },
        );
        expect(
          leakedText(
            instances.flatMap((b) => b.output),
            everyone,
          ),
        ).toEqual([]);
      },
    );
  });
});
