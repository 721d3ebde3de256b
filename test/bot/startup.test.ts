import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { freePort } from '../helpers/azurite.js';
import { cardText, message, newUser } from '../helpers/bot-harness.js';
import { botEnv } from '../helpers/bot-process.js';
import { startConnector } from '../helpers/connector.js';

const require = createRequire(import.meta.url);
const tsx = require.resolve('tsx/cli');
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs `npm run bot`'s entry point with exactly this environment and returns how it ended. */
function startBot(env: Record<string, string>): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [tsx, 'src/index.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stderr: result.stderr };
}

describe('the bot process at start-up', () => {
  it('when no credentials are set and auth is not explicitly disabled, then it exits 1 saying what is missing', () => {
    const { status, stderr } = startBot({});
    expect(status).toBe(1);
    expect(stderr).toContain('tencs cannot start');
    expect(stderr).toMatch(/BOT_ID is required/);
  });

  it('when auth is disabled but HOST is 0.0.0.0, then it exits 1 explaining that only loopback may run without auth', () => {
    const { status, stderr } = startBot({ BOT_AUTH: 'disabled', HOST: '0.0.0.0' });
    expect(status).toBe(1);
    expect(stderr).toMatch(/BOT_AUTH is "disabled" but HOST is 0\.0\.0\.0/);
  });

  it('when ENCRYPTION_KEYS lists one key id twice, then it exits 1 naming the repeated id', () => {
    const a = Buffer.alloc(32, 1).toString('base64');
    const b = Buffer.alloc(32, 2).toString('base64');
    const { status, stderr } = startBot({ BOT_AUTH: 'disabled', ENCRYPTION_KEYS: `k1:${a},k1:${b}` });
    expect(status).toBe(1);
    expect(stderr).toMatch(/ENCRYPTION_KEYS is not valid \(key id k1 is listed more than once/);
  });

  it('when a value is malformed, then it exits 1 naming the variable', () => {
    const { status, stderr } = startBot({ BOT_AUTH: 'disabled', PORT: 'eighty' });
    expect(status).toBe(1);
    expect(stderr).toMatch(/PORT/);
  });
});

/** Node's major version as a number, e.g. 24. */
const major = (version: string) => Number(/^\^?v?(\d+)\./.exec(version)?.[1]);

describe('the Node the tests and the bot run on', () => {
  // npm puts node_modules/.bin (where node-linux-<arch> links Node 24) first on every script's PATH, so
  // `npm test`, and every process it starts, runs on the Node package.json's engines names.
  const wanted = major((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node);

  it('when the suite runs through npm, then it runs on the Node major package.json requires', () => {
    expect(wanted).toBe(24);
    expect(major(process.version)).toBe(wanted);
  });

  it('when a test starts `node` from PATH, process.execPath, or tsx, then each child runs the same Node major', () => {
    const fromPath = spawnSync('node', ['-p', 'process.version'], { encoding: 'utf8' });
    const fromExecPath = spawnSync(process.execPath, ['-p', 'process.version'], { encoding: 'utf8' });
    const fromTsx = spawnSync(process.execPath, [tsx, '-e', 'console.log(process.version)'], { encoding: 'utf8' });
    for (const child of [fromPath, fromExecPath, fromTsx]) {
      expect(child.status, child.stderr).toBe(0);
      expect(major(child.stdout.trim())).toBe(wanted);
    }
  });
});

describe('the compiled bot (npm run build, then node dist/index.js), as App Service runs it', () => {
  it(
    'when built from a clean dist/ and started with the production heap cap, then /healthz answers 200 and a first message gets the welcome card',
    { timeout: 240_000 },
    async () => {
      rmSync(path.join(ROOT, 'dist'), { recursive: true, force: true });
      const build = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 180_000,
      });
      expect(build.status, build.stdout + build.stderr).toBe(0);
      for (const file of ['dist/index.js', 'dist/cards/render.js']) expect(existsSync(path.join(ROOT, file)), file).toBe(true);

      const command = (/appCommandLine: '([^']+)'/.exec(readFileSync(path.join(ROOT, 'infra/azure.bicep'), 'utf8'))?.[1] ?? '').split(' ');
      expect(command).toEqual(['node', '--max-old-space-size=192', '--max-semi-space-size=16', 'dist/index.js']);
      const connector = await startConnector();
      const port = await freePort();
      const output: string[] = [];
      // Started exactly as infra/azure.bicep starts it, from the repository root, with nothing but the compiled files.
      const child = spawn(process.execPath, command.slice(1), {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...botEnv(inject('tablesConnectionString')), PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try {
        let health: Response | undefined;
        for (const deadline = Date.now() + 60_000; Date.now() < deadline && child.exitCode === null;) {
          health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
          if (health) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(health?.status, output.join('')).toBe(200);
        expect(await health?.json()).toEqual({ status: 'ok', storage: 'ok' });
        expect(output.join('')).not.toMatch(/tsx|\.ts\b/);

        // The cards are read from cards/ at the repository root; dist/cards/render.js must find them as src/ does.
        const user = newUser();
        const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(message({ connector }, user, 'hello')),
        });
        expect(res.status, output.join('')).toBe(200);
        const sent = connector.activities();
        const card = (sent.at(-1)?.attachments as { contentType: string; content: { version: string } }[] | undefined)?.[0];
        expect(card?.contentType).toBe('application/vnd.microsoft.card.adaptive');
        expect(card?.content.version).toBe('1.5');
        expect(cardText(card?.content)).toContain('10 Cs');
      } finally {
        child.kill('SIGKILL');
        await exited;
        await connector.close();
      }
    },
  );
});
