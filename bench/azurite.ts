import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { azuriteConnectionString, freePort } from '../test/helpers/azurite.js';

const require = createRequire(import.meta.url);

/** Azurite for the bench: tables only, on loopback, and nothing written to disk. */
export interface BenchAzurite {
  readonly port: number;
  readonly pid: number;
  readonly connectionString: string;
  stop(): Promise<void>;
}

/**
 * Starts Azurite's table service in memory. On disk, Azurite saves its whole database every five
 * seconds (LokiJS autosave), which with tens of thousands of seeded entities stalls it for a second
 * or more each time: a cost Table Storage does not have, so the bench leaves it out.
 */
export async function startBenchAzurite(): Promise<BenchAzurite> {
  const port = await freePort();
  const main = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist/src/table/main.js');
  const child = spawn(
    process.execPath,
    [
      main,
      '--tableHost',
      '127.0.0.1',
      '--tablePort',
      String(port),
      '--inMemoryPersistence',
      '--silent',
      '--disableTelemetry',
      '--skipApiVersionCheck',
      '--loose',
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Azurite exited early (${child.exitCode}): ${stderr}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/devstoreaccount1/Tables`, { headers: { accept: 'application/json;odata=nometadata' } });
      await res.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`Azurite did not listen on ${port}: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    port,
    pid: child.pid!,
    connectionString: azuriteConnectionString(port),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
