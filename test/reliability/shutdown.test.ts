import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { freePort } from '../helpers/azurite.js';
import { botEnv, repositoryFor, spawnBot, type BotProcess } from '../helpers/bot-process.js';
import { startConnector, type LoopbackConnector } from '../helpers/connector.js';
import { entityWriteTo, startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { advanceTo, checkPromise, post, Practitioner, seededRandom } from '../helpers/practitioner.js';

/** A GET on a new connection (no keep-alive pool): resolves with the status, or the connection error code. */
function freshGet(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(`${url}/healthz`, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.name));
    req.end();
  });
}

describe('when the bot gets SIGTERM with a turn in flight', () => {
  let proxy: FaultProxy;
  let connector: LoopbackConnector;
  let bot: BotProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    proxy = await startFaultProxy(inject('azuritePort'));
    connector = await startConnector();
    env = botEnv(proxy.connectionString);
    bot = await spawnBot(env, await freePort());
  });
  afterAll(async () => {
    await bot?.kill('SIGKILL');
    await connector?.close();
    await proxy?.close();
  });

  it('then it stops accepting connections, finishes the turn (the answer is saved and confirmed) and exits 0', { timeout: 60_000 }, async () => {
    const send = (activity: Record<string, unknown>) => post(bot.url, connector, activity);
    const p = new Practitioner('shutdown', connector, seededRandom(900));
    await advanceTo(p, 'context', send);

    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    proxy.inject({ fault: { kind: 'hold', release: released }, match: (r) => r.method === 'PUT' && entityWriteTo('assessments')(r) });
    const move = p.submit(VERBS.stepNext);
    const attempt = p.begin(move);
    const inFlight = send(move.activity);
    // Wait until the save is held at storage: the turn is now truly in flight.
    while (!proxy.requests.some((r) => r.outcome === 'hold')) await new Promise((r) => setTimeout(r, 20));

    bot.child.kill('SIGTERM');
    let refused: number | string = 0;
    for (let i = 0; i < 50 && typeof refused === 'number'; i++) {
      refused = await freshGet(bot.url);
      if (typeof refused === 'number') await new Promise((r) => setTimeout(r, 50));
    }
    // Not accepted: refused once the listener is closed, or reset when the connect raced the close
    // (seen under load); either way no request reached the bot. A status code would fail here.
    expect(['ECONNREFUSED', 'ECONNRESET']).toContain(refused);
    expect(bot.child.exitCode).toBeNull();

    release();
    const seen = p.finish(move, attempt, await inFlight);
    expect(seen.kind === 'step' && seen.ref.step, JSON.stringify(seen).slice(0, 200)).toBe('content');
    expect(await bot.exited).toEqual({ code: 0, signal: null });
    expect(bot.output.some((line) => line.includes('"event":"server.stopped"'))).toBe(true);

    const repository = await repositoryFor(env, inject('tablesConnectionString'));
    expect(await checkPromise(repository, [p])).toEqual([]);
  });

  it(
    'when a turn is still running 10 s after SIGTERM (a reply to a connector that does not answer), then the process gives up and exits 1, and what was written is whole',
    { timeout: 60_000 },
    async () => {
      const late = await spawnBot(env, await freePort());
      try {
        const p = new Practitioner('stuck', connector, seededRandom(901));
        const move = p.start();
        // Not a long Retry-After: the bot caps those waits (connector-retry-cap) and would finish at once.
        connector.fail({ status: 503, delayMs: 60_000, match: (c) => c.body.replyToId === move.activity.id });
        const attempt = p.begin(move);
        const inFlight = post(late.url, connector, move.activity);
        while (!connector.calls.some((c) => c.body.replyToId === move.activity.id)) await new Promise((r) => setTimeout(r, 20));
        late.child.kill('SIGTERM');
        expect(await late.exited).toEqual({ code: 1, signal: null });
        expect(late.output.some((line) => line.includes('"event":"server.stop-timeout"'))).toBe(true);
        expect(p.finish(move, attempt, await inFlight).kind).toBe('failed');
        const repository = await repositoryFor(env, inject('tablesConnectionString'));
        expect(await checkPromise(repository, [p])).toEqual([]);
      } finally {
        await late.kill('SIGKILL');
      }
    },
  );
});
