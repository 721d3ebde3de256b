/**
 * The load generator, forked by bench/run.ts into its own process: it plays the Teams channel for
 * N virtual practitioners, each working through the scenario with a pause between turns, and times
 * every turn from request sent to reply received (the invoke's HTTP response for card submits, the
 * connector's receipt of the last reply for messages).
 */
import { performance } from 'node:perf_hooks';
import { benchUser, startChannel, type BenchUser, type Channel, type Outcome } from './channel.js';
import type { FromLoadgen, LoadgenInit, ProbeRequest, ProbeResult, StepRequest, StepResult, Target, ToLoadgen, TurnSample } from './protocol.js';
import { scenario, type Script, type TurnSpec } from './scenario.js';
import type { StorageCounts } from './counting-proxy.js';
import { diffCounts } from './counting-proxy.js';

interface Vp {
  readonly user: BenchUser;
  readonly script: Script;
}

let init: LoadgenInit | undefined;
let channel: Channel | undefined;
const vps = new Map<string, Vp[]>();
const countWaiters = new Map<number, (c: StorageCounts) => void>();
let nextCountId = 1;

function post(message: FromLoadgen): void {
  process.send?.(message);
}

function vpsFor(target: Target, count: number, pool: 'main' | 'warmup' = 'main'): Vp[] {
  const key = `${target.name}/${pool}`;
  const list = vps.get(key) ?? [];
  while (list.length < count) {
    const heavy = pool === 'main' && list.length === 0;
    const user = heavy ? benchUser(init!.heavyUser.aadObjectId, 'Practitioner with many assessments') : benchUser();
    // Both bare bots answer every turn with an echo card, so they take the baseline's script; tencs on either host takes ours.
    list.push({ user, script: scenario.create(target.name === 'baseline' || target.name === 'storage' ? 'baseline' : 'ours') });
  }
  vps.set(key, list);
  return list;
}

function latency(spec: TurnSpec, sentAt: number, outcome: Outcome): number {
  // A message's answer is the reply reaching the connector; an invoke's is the HTTP response.
  if (spec.activity.type !== 'invoke' && outcome.lastReplyAt !== undefined) return outcome.lastReplyAt - sentAt;
  return outcome.respondedAt - sentAt;
}

async function turn(target: Target, vp: Vp): Promise<TurnSample> {
  const spec = vp.script.next();
  const sentAt = performance.now();
  const outcome = await channel!.send(target.url, vp.user, spec.activity);
  const error = vp.script.observe(spec, outcome);
  return { kind: spec.kind, label: spec.label, ms: latency(spec, sentAt, outcome), ...(error ? { error } : {}) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function step(request: StepRequest): Promise<StepResult> {
  const think = request.thinkMs ?? init!.thinkMs;
  const practitioners = vpsFor(request.target, request.concurrency, request.pool).slice(0, request.concurrency);
  const samples: TurnSample[] = [];
  const unauthBefore = channel!.unauthenticated();
  const started = performance.now();
  let issued = 0;
  const more = () => issued < request.maxTurns && performance.now() - started < request.maxMs;
  await Promise.all(
    practitioners.map(async (vp) => {
      // Practitioners arrive spread over one think time, not all in the same millisecond.
      if (think > 0) await sleep(Math.random() * think);
      while (more()) {
        issued += 1;
        samples.push(await turn(request.target, vp));
        if (think > 0) await sleep(Math.random() * 2 * think);
      }
    }),
  );
  return {
    type: 'step-result',
    id: request.id,
    samples,
    wallMs: performance.now() - started,
    unauthenticatedReplies: channel!.unauthenticated() - unauthBefore,
  };
}

function counts(): Promise<StorageCounts> {
  const id = nextCountId++;
  return new Promise((resolve) => {
    countWaiters.set(id, resolve);
    post({ type: 'counts?', id });
  });
}

async function probe(request: ProbeRequest): Promise<ProbeResult> {
  const vp = vpsFor(request.target, request.vp + 1)[request.vp]!;
  const turns: ProbeResult['turns'] = [];
  for (let i = 0; i < request.turns; i += 1) {
    const before = await counts();
    const sample = await turn(request.target, vp);
    const after = await counts();
    turns.push({ ...sample, storage: diffCounts(after, before) });
    await sleep(request.pauseMs);
  }
  return { type: 'probe-result', id: request.id, turns };
}

process.on('message', (message: ToLoadgen) => {
  void (async () => {
    switch (message.type) {
      case 'init':
        init = message;
        channel = await startChannel(message);
        post({ type: 'ready' });
        return;
      case 'step':
        post(await step(message));
        return;
      case 'probe':
        post(await probe(message));
        return;
      case 'counts': {
        const answer = message;
        countWaiters.get(answer.id)?.(answer.counts);
        countWaiters.delete(answer.id);
        return;
      }
      case 'stop':
        await channel?.close();
        process.disconnect?.();
        return;
    }
  })().catch((error: unknown) => {
    const id = (message as { id?: number }).id ?? -1;
    post({ type: 'failed', id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
});
