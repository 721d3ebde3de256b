import { fork, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuthServer, BenchIdentity } from './auth.js';
import type { StorageCounts } from './counting-proxy.js';
import type { FromLoadgen, ProbeResult, StepResult, Target, ToLoadgen } from './protocol.js';

/** The repository root (bench/..). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A bot process under test. */
export interface BotProcess {
  readonly name: Target['name'];
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Lines the bot wrote at warn level or above (pino JSON) or on stderr. */
  readonly problems: string[];
  /** Background jobs the bot logged (the daily retention purge): when they ended and how long they took. */
  readonly backgroundJobs: { readonly event: string; readonly endedAt: number; readonly ms: number; readonly detail: string }[];
  stop(): Promise<void>;
}

async function waitForHealth(url: string, child: ChildProcess, stderr: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`bot exited with code ${child.exitCode} before answering /healthz:\n${stderr()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`bot did not answer ${url}/healthz within ${timeoutMs / 1000} s:\n${stderr()}`);
}

/** Stops a child with SIGTERM (SIGKILL after 8 s) and waits for it to exit. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts a bot as its own Node process, with tsx and the two bench-only preloads (outgoing token
 * from the loopback login stub; CPU profiler on SIGUSR2), and waits until /healthz answers.
 */
export async function startBot(name: Target['name'], entry: string, port: number, env: Record<string, string>): Promise<BotProcess> {
  const child = spawn(
    process.execPath,
    // The production start command's heap flags (infra/azure.bicep: old-space cap, 16 MB semi-spaces), for both bots alike.
    [
      '--expose-gc',
      '--max-old-space-size=192',
      '--max-semi-space-size=16',
      '--import',
      'tsx',
      '--import',
      './bench/login-redirect.ts',
      '--import',
      './bench/profiler-hook.ts',
      entry,
    ],
    { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production', ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const problems: string[] = [];
  const backgroundJobs: BotProcess['backgroundJobs'][number][] = [];
  let stderr = '';
  let partial = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      // tencs logs level labels; other pino setups log numbers (40 warn, 50 error, 60 fatal).
      if (/"level":("(warn|error|fatal)"|[456]0)/.test(line) && problems.length < 200) problems.push(line);
      if (line.includes('"event":"retention.')) {
        const entry = JSON.parse(line) as { event: string; time: string; ms?: number; assessments?: number; auditEntries?: number };
        backgroundJobs.push({
          event: entry.event,
          endedAt: Date.parse(entry.time),
          ms: entry.ms ?? 0,
          detail: `${entry.assessments ?? 0} assessments and ${entry.auditEntries ?? 0} audit entries removed`,
        });
      }
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
    if (problems.length < 200)
      problems.push(...chunk.split('\n').filter((l) => l.trim() && !l.includes('DeprecationWarning') && !l.includes('--trace-deprecation')));
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, child, () => stderr);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { name, url, pid: child.pid!, child, problems, backgroundJobs, stop: () => stopChild(child) };
}

/** The forked load generator and a typed request/answer channel to it. */
export interface LoadgenProcess {
  readonly child: ChildProcess;
  send(message: ToLoadgen): void;
  /** Resolves with the first message that satisfies `match`. */
  next<T extends FromLoadgen>(match: (m: FromLoadgen) => m is T): Promise<T>;
  onMessage(handler: (m: FromLoadgen) => void): void;
  stop(): Promise<void>;
}

/** Forks bench/loadgen.ts (under tsx) as its own process. */
export function forkLoadgen(): LoadgenProcess {
  const child = fork(path.join(ROOT, 'bench/loadgen.ts'), [], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const handlers: ((m: FromLoadgen) => void)[] = [];
  child.on('message', (m: FromLoadgen) => {
    for (const h of [...handlers]) h(m);
  });
  return {
    child,
    send: (message) => child.send(message),
    next<T extends FromLoadgen>(match: (m: FromLoadgen) => m is T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`load generator exited (${code})`));
        const handler = (m: FromLoadgen) => {
          if (m.type === 'failed') {
            handlers.splice(handlers.indexOf(handler), 1);
            child.off('exit', onExit);
            reject(new Error(`load generator failed: ${m.message}`));
            return;
          }
          if (match(m)) {
            handlers.splice(handlers.indexOf(handler), 1);
            child.off('exit', onExit);
            resolve(m);
          }
        };
        handlers.push(handler);
        child.once('exit', onExit);
      });
    },
    onMessage: (handler) => handlers.push(handler),
    async stop() {
      if (child.connected) child.send({ type: 'stop' });
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

/**
 * Forks the load generator, makes it the Teams channel for the bench's identity (it signs with the auth
 * server's channel key and checks replies against its login key), answers its storage-count questions
 * from `counts`, and waits until it is ready.
 */
export async function startLoadgen(
  identity: BenchIdentity,
  auth: AuthServer,
  run: { readonly heavyUser: { readonly aadObjectId: string }; readonly thinkMs: number },
  counts: () => StorageCounts,
): Promise<LoadgenProcess> {
  const lg = forkLoadgen();
  try {
    lg.onMessage((m) => {
      if (m.type === 'counts?') lg.send({ type: 'counts', id: m.id, counts: counts() });
    });
    lg.send({
      type: 'init',
      appId: identity.appId,
      tenantId: identity.tenantId,
      channelKeyPem: auth.channel.privateKeyPem,
      channelKid: auth.channel.kid,
      loginPublicKeyPem: auth.loginPublicKeyPem,
      heavyUser: run.heavyUser,
      thinkMs: run.thinkMs,
    });
    await lg.next((m): m is { type: 'ready' } => m.type === 'ready');
    return lg;
  } catch (error) {
    await lg.stop();
    throw error;
  }
}

/** Matches the load generator's answer to step request `id`. */
export const isStep =
  (id: number) =>
  (m: FromLoadgen): m is StepResult =>
    m.type === 'step-result' && m.id === id;

/** Matches the load generator's answer to probe request `id`. */
export const isProbe =
  (id: number) =>
  (m: FromLoadgen): m is ProbeResult =>
    m.type === 'probe-result' && m.id === id;
