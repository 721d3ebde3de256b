import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.js';
import { AssessmentRepository } from '../../src/storage/assessment-repository.js';
import { createFieldCipher } from '../../src/storage/field-cipher.js';
import { createTableFactory } from '../../src/storage/tables.js';
import { uniquePrefix } from './bot-harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** tencs running as its own Node process (tsx src/index.ts), as App Service runs it. */
export interface BotProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Every line the process wrote to stdout (pino JSON) and stderr. */
  readonly output: string[];
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** The environment for a loopback bot with its own tables and key; the same env restarts the same deployment. */
export function botEnv(tablesConnectionString: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    BOT_AUTH: 'disabled',
    HOST: '127.0.0.1',
    TABLES_CONNECTION_STRING: tablesConnectionString,
    TABLE_PREFIX: uniquePrefix(),
    ENCRYPTION_KEYS: `rel:${randomBytes(32).toString('base64')}`,
    LOG_LEVEL: 'info',
    // The reliability tests replay and race on purpose; the per-user limiter is tested elsewhere.
    RATE_LIMIT_BURST: '100000',
    RATE_LIMIT_PER_MINUTE: '100000',
    // The suites run once per host (npm run test:teams-sdk sets BOT_HOST=teams-sdk).
    ...(process.env.BOT_HOST ? { BOT_HOST: process.env.BOT_HOST } : {}),
    ...extra,
  };
}

/** A repository over the deployment `env` describes, reading Table Storage directly (not through any proxy). */
export async function repositoryFor(env: Record<string, string>, tablesConnectionString: string): Promise<AssessmentRepository> {
  const config = loadConfig({ BOT_AUTH: 'disabled', HOST: '127.0.0.1', ...env, TABLES_CONNECTION_STRING: tablesConnectionString, PORT: '0' });
  const tables = await createTableFactory(config);
  return new AssessmentRepository(tables, createFieldCipher(config.encryptionKeys));
}

/**
 * Starts `tsx src/index.ts` with `env` on `port` and waits for its "listening" log line. `preload` adds
 * test-only modules loaded first (node --import), e.g. test/helpers/moved-clock.ts.
 */
export async function spawnBot(env: Record<string, string>, port: number, timeoutMs = 60_000, preload: readonly string[] = []): Promise<BotProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...preload.flatMap((p) => ['--import', p]), 'src/index.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TMPDIR: process.env.TMPDIR ?? '/tmp', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const listening = new Promise<void>((resolve, reject) => {
    let partial = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        output.push(line);
        if (line.includes('"event":"server.listening"')) resolve();
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => output.push(...chunk.split('\n').filter(Boolean)));
    void exited.then(({ code, signal }) => reject(new Error(`bot exited (${code ?? signal}) before listening:\n${output.join('\n')}`)));
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bot did not listen within ${timeoutMs} ms:\n${output.join('\n')}`)), timeoutMs);
  });
  try {
    await Promise.race([listening, timeout]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    output,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
