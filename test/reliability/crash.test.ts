import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../helpers/azurite.js';
import { botEnv, repositoryFor, spawnBot, type BotProcess } from '../helpers/bot-process.js';
import { startConnector, type LoopbackConnector } from '../helpers/connector.js';
import { entityReadOf, entityWriteTo, startFaultProxy, type Fault, type FaultProxy } from '../helpers/fault-proxy.js';
import { checkPromise, drive, leakedText, post, Practitioner, seededRandom } from '../helpers/practitioner.js';

const SOAK = process.env.SOAK === '1';
/** Seeds for CI are fixed; the soak run adds more, derived from SOAK_SEED when given. */
const BASE_SEED = Number(process.env.SOAK_SEED ?? 20250314);
const RUNS = SOAK ? 25 : 3;

interface KillPoint {
  readonly phase: 'before-write' | 'after-write' | 'read' | 'timer';
  readonly at: number;
  readonly delayMs: number;
}

/** Seeded kill points, each counted from the one before: the n-th write, read or turn after it (about 28 writes per practitioner). */
function killPlan(random: () => number): KillPoint[] {
  const phases = ['before-write', 'after-write', 'after-write', 'read', 'timer'] as const;
  const count = 2 + Math.floor(random() * 2);
  return Array.from({ length: count }, (_, i) => ({
    // The first kill always lands on a storage call, so every run crashes the bot with a turn in flight.
    phase: phases[Math.floor(random() * (i === 0 ? phases.length - 1 : phases.length))]!,
    at: 1 + Math.floor(random() * 20),
    delayMs: Math.floor(random() * 150),
  }));
}

describe('when the bot process is killed (SIGKILL) at seeded random points and Teams replays the activities', () => {
  let connector: LoopbackConnector;
  let proxy: FaultProxy;
  let env: Record<string, string>;
  let bot: BotProcess;
  /** A fresh process started ahead of time, so a restart costs no start-up wait (as a new App Service instance). */
  let standby: Promise<BotProcess>;
  const output: string[][] = [];
  let restarting: Promise<void> | undefined;
  let kills = 0;

  const startStandby = async () => {
    const next = await spawnBot(env, await freePort());
    output.push(next.output);
    return next;
  };

  /** SIGKILL, then carry on with a new process over the same tables and key (nothing carried over in memory). */
  const killAndRestart = async (): Promise<void> => {
    if (restarting) return restarting;
    kills++;
    const dying = bot;
    restarting = (async () => {
      await dying.kill('SIGKILL');
      bot = await standby;
      standby = startStandby();
    })();
    void restarting.finally(() => {
      restarting = undefined;
    });
    // The proxy drops the request only once the bot is dead, so no answer can reach it.
    await dying.exited;
  };

  beforeAll(async () => {
    connector = await startConnector();
    proxy = await startFaultProxy(inject('azuritePort'));
    env = botEnv(proxy.connectionString);
    standby = startStandby();
    bot = await startStandby();
  });
  afterAll(async () => {
    proxy.observe(undefined);
    await restarting;
    await Promise.all([bot?.kill('SIGTERM'), standby?.then((b) => b.kill('SIGTERM'))]);
    await proxy.close();
    await connector.close();
  });

  for (let run = 0; run < RUNS; run++) {
    const seed = BASE_SEED + run;
    it(
      `then every confirmed answer is stored once with its last value, nothing is torn, no start is duplicated (seed ${seed})`,
      { timeout: 120_000 },
      async () => {
        const random = seededRandom(seed);
        const plan = killPlan(random);
        const killsBefore = kills;
        let writes = 0;
        let reads = 0;
        let turns = 0;
        /** Set from the moment a kill is chosen until it happened, so one kill is not overtaken by the next. */
        let killing = false;
        const happened: string[] = [];
        const isWrite = (r: { method: string; path: string }) => entityWriteTo('assessments')(r) || entityWriteTo('audit')(r);
        proxy.observe((r) => {
          const next = plan[0];
          if (!next || restarting || killing) return undefined;
          if (isWrite(r)) writes++;
          if (entityReadOf('assessments')(r)) reads++;
          // The request is held a moment before the kill: a bot that answered before its write was done would be caught.
          const hook = async () => {
            await new Promise((resolve) => setTimeout(resolve, next.delayMs));
            await killAndRestart();
            killing = false;
          };
          let fault: Fault | undefined;
          if (next.phase === 'before-write' && isWrite(r) && writes >= next.at) fault = { kind: 'before', hook };
          if (next.phase === 'after-write' && isWrite(r) && writes >= next.at) fault = { kind: 'after-commit', then: 'reset', hook };
          if (next.phase === 'read' && entityReadOf('assessments')(r) && reads >= next.at) fault = { kind: 'before', hook };
          if (fault) {
            happened.push(`${next.phase} +${next.delayMs}ms on ${r.method} ${r.path.replace(/^\/devstoreaccount1\/[a-z0-9]+?(assessments|audit).*$/, '$1')}`);
            killing = true;
            plan.shift();
            writes = reads = turns = 0;
          }
          return fault;
        });
        const beforeSend = () => {
          const next = plan[0];
          if (next?.phase === 'timer' && ++turns >= next.at && !restarting && !killing) {
            plan.shift();
            writes = reads = turns = 0;
            happened.push(`timer +${next.delayMs}ms`);
            setTimeout(() => void killAndRestart(), next.delayMs);
          }
        };

        const practitioners = [
          new Practitioner('first', connector, seededRandom(seed * 7 + 1)),
          new Practitioner('second', connector, seededRandom(seed * 7 + 2)),
        ];
        try {
          const stats = await Promise.all(
            practitioners.map((p) =>
              drive(p, (activity) => post(bot.url, connector, activity), {
                beforeSend,
                recover: async () => {
                  await new Promise((r) => setTimeout(r, 20));
                  await restarting;
                },
              }),
            ),
          );
          proxy.observe(undefined);
          const context = JSON.stringify({ seed, kills: happened, seen: stats.map((x) => x.seen) });
          const repository = await repositoryFor(env, inject('tablesConnectionString'));
          expect(await checkPromise(repository, practitioners), context).toEqual([]);
          expect(leakedText(output.flat(), practitioners), context).toEqual([]);
          // The run must actually have crashed the bot mid-flow, or it proves nothing.
          expect(kills).toBeGreaterThan(killsBefore);
          expect(stats.reduce((n, s) => n + s.replays, 0)).toBeGreaterThan(0);
        } finally {
          proxy.observe(undefined);
          await restarting;
        }
      },
    );
  }
});
