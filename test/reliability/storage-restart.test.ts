import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startAzurite, type AzuriteHandle } from '../helpers/azurite.js';
import { botEnv, repositoryFor, spawnBot, type BotProcess } from '../helpers/bot-process.js';
import { startConnector, type LoopbackConnector } from '../helpers/connector.js';
import { checkPromise, drive, leakedText, post, Practitioner, seededRandom } from '../helpers/practitioner.js';
import { DEFAULT_HEALTH_CACHE_MS } from '../../src/server.js';

const TEAMS_LIMIT_MS = 15_000;

async function health(url: string): Promise<number> {
  const res = await fetch(`${url}/healthz`);
  await res.arrayBuffer();
  return res.status;
}

/** Polls until `check` holds; the test fails with `what` if it never does. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('when Azurite is stopped (SIGINT) and restarted on the same port and data folder while practitioners are saving', () => {
  let location: string;
  let port: number;
  let azurite: AzuriteHandle;
  let connector: LoopbackConnector;
  let bot: BotProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    location = mkdtempSync(path.join(tmpdir(), 'tencs-restart-'));
    port = await freePort();
    azurite = await startAzurite({ location, port });
    connector = await startConnector();
    env = botEnv(azurite.connectionString);
    bot = await spawnBot(env, await freePort());
  });
  afterAll(async () => {
    await bot?.kill('SIGTERM');
    await connector?.close();
    await azurite?.stop();
    rmSync(location, { recursive: true, force: true });
  });

  it('then /healthz says 503 while it is down and 200 once it is back, and every confirmed answer survives', { timeout: 120_000 }, async () => {
    expect(await health(bot.url)).toBe(200);
    const practitioners = [1, 2, 3].map((i) => new Practitioner(`restart${i}`, connector, seededRandom(500 + i)));
    let turns = 0;
    let outage: Promise<void> | undefined;
    const statuses: number[] = [];
    const stopAndRestart = async () => {
      await azurite.stop();
      // Turns keep coming while storage is away; the health probe must say so once its cached answer
      // (one probe serves /healthz for DEFAULT_HEALTH_CACHE_MS) has run out.
      await new Promise((r) => setTimeout(r, DEFAULT_HEALTH_CACHE_MS + 250));
      statuses.push(await health(bot.url));
      await new Promise((r) => setTimeout(r, 1500));
      statuses.push(await health(bot.url));
      azurite = await startAzurite({ location, port });
      await until('/healthz to recover', async () => (await health(bot.url)) === 200);
      statuses.push(200);
    };
    const stats = await Promise.all(
      practitioners.map((p) =>
        drive(p, (activity) => post(bot.url, connector, activity), {
          maxTurns: 400,
          beforeSend: () => {
            if (++turns === 15) outage = stopAndRestart();
          },
          recover: () => new Promise((r) => setTimeout(r, 200)),
        }),
      ),
    );
    await outage;
    expect(statuses).toEqual([503, 503, 200]);
    const unsaved = stats.reduce((n, s) => n + (s.seen['not-saved'] ?? 0) + (s.seen.notice ?? 0), 0);
    // The outage must have been felt by someone, or this run proves nothing about it.
    expect(unsaved).toBeGreaterThan(0);
    expect(Math.max(...stats.map((s) => s.slowest))).toBeLessThan(TEAMS_LIMIT_MS);
    const repository = await repositoryFor(env, azurite.connectionString);
    expect(await checkPromise(repository, practitioners)).toEqual([]);
    expect(leakedText(bot.output, practitioners)).toEqual([]);
  });
});
