import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const tsx = require.resolve('tsx/cli');

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
