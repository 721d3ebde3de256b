/**
 * In-process heap and CPU probe: the real app (buildDependencies + createServer, auth off on
 * loopback) on a bench Azurite, driven through HTTP by the bench scenario with C practitioners at a
 * time; reports heapUsed after a full GC at each checkpoint. Run with:
 *   node --expose-gc --max-old-space-size=192 [--max-semi-space-size=16] --import tsx bench/heap-probe.ts [turns] [concurrency]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { performance, PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { buildDependencies } from '../src/compose.js';
import { createServer, listen } from '../src/server.js';
import { startConnector } from '../test/helpers/connector.js';
import { startBenchAzurite } from './azurite.js';
import { scenario } from './scenario.js';

const TURNS = Number(process.argv[2] ?? 2000);
const CONC = Number(process.argv[3] ?? 20);
const gc = (globalThis as { gc?: () => void }).gc!;
const azurite = await startBenchAzurite();
const connector = await startConnector();
const config = loadConfig({
  BOT_AUTH: 'disabled',
  HOST: '127.0.0.1',
  PORT: '0',
  TABLES_CONNECTION_STRING: azurite.connectionString,
  TABLE_PREFIX: `p${randomUUID().slice(0, 8)}`,
  LOG_LEVEL: 'info',
  ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
  ...(process.env.BOT_HOST ? { BOT_HOST: process.env.BOT_HOST } : {}),
});
const sink = new PassThrough();
sink.resume();
const deps = await buildDependencies(config, createLogger(config.logLevel, sink));
const running = await listen(
  createServer({ bot: deps.bot, storageHealthy: deps.storageHealthy, logger: deps.logger, maxBodyBytes: config.maxBodyBytes }),
  config.host,
  0,
);

let errors = 0;
const gcStats = { major: 0, minor: 0, ms: 0 };
let measuring = false;
new PerformanceObserver((list) => {
  if (!measuring) return;
  for (const e of list.getEntries()) {
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
    if (kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) gcStats.major += 1;
    else gcStats.minor += 1;
    gcStats.ms += e.duration;
  }
}).observe({ entryTypes: ['gc'] });
let done = 0;
async function practitioner(): Promise<void> {
  const aad = randomUUID();
  const tenant = '11111111-1111-4111-8111-111111111111';
  const conv = `a:personal-${aad}`;
  const script = scenario.create('ours');
  while (done < target) {
    const spec = script.next();
    const activity = {
      id: randomUUID(),
      timestamp: new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl: connector.url,
      from: { id: `29:${aad}`, aadObjectId: aad, name: 'P' },
      recipient: { id: '28:tencs-bot', name: 'tencs' },
      conversation: { id: conv, conversationType: 'personal', tenantId: tenant },
      channelData: { tenant: { id: tenant } },
      locale: 'en-GB',
      ...spec.activity,
    };
    const res = await fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    const text = await res.text();
    const body: unknown = text ? JSON.parse(text) : undefined;
    const mine = connector.calls.filter((c) => c.conversationId === conv);
    for (const c of mine) connector.calls.splice(connector.calls.indexOf(c), 1);
    const err = script.observe(spec, { status: res.status, body, activities: mine.map((c) => c.body), respondedAt: performance.now(), lastReplyAt: undefined });
    if (err) errors += 1;
    done += 1;
    // Stay under the per-user rate limit: a short pause.
    await new Promise((r) => setTimeout(r, 150));
  }
}
let target = 0;
function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1048576;
}
async function phase(turns: number): Promise<{ ms: number; cpu: number }> {
  target = done + turns;
  measuring = true;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONC }, () => practitioner()));
  const c = process.cpuUsage(cpu0);
  measuring = false;
  return { ms: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}
await phase(200); // warm-up
const h0 = heapMb();
console.log(`after warm-up: heap ${h0.toFixed(1)} MB live, errors ${errors}`);
const marks: string[] = [];
let cpuTotal = 0;
for (let i = 0; i < 4; i += 1) {
  const { cpu } = await phase(TURNS / 4);
  cpuTotal += cpu;
  const h = heapMb();
  marks.push(`${done - 200}: ${h.toFixed(1)}`);
  console.log(
    `after ${done - 200} turns: heap ${h.toFixed(1)} MB live (+${(h - h0).toFixed(1)}), cpu ${(cpu / (TURNS / 4)).toFixed(2)} ms/turn, errors ${errors}`,
  );
}
console.log(
  `RESULT growth ${(heapMb() - h0).toFixed(1)} MB over ${done - 200} turns; cpu ${(cpuTotal / (done - 200)).toFixed(2)} ms/turn (bot+driver in-process); errors ${errors}; GC per 100 turns: ${((100 * gcStats.major) / (done - 200)).toFixed(1)} major, ${((100 * gcStats.minor) / (done - 200)).toFixed(1)} minor, ${(gcStats.ms / (done - 200)).toFixed(2)} ms/turn in GC pauses; rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`,
);
if (process.env.HEAPSNAP) {
  const v8 = await import('node:v8');
  console.log('snapshot', v8.writeHeapSnapshot(process.env.HEAPSNAP));
}
await running.close();
await connector.close();
await azurite.stop();
process.exit(0);
