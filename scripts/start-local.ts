/**
 * `npm start`: Azurite (tables), the bot and the Microsoft 365 Agents Playground, all on this machine.
 * Ctrl-C stops all three; Azurite gets SIGINT so it flushes its data to disk first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COLLEAGUE, MANAGER, PRACTITIONER, playgroundConfig, type PlaygroundUser } from './playground-config.js';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HOST = process.env.HOST ?? '127.0.0.1';
const PORT = process.env.PORT ?? '3978';
const TABLE_PORT = process.env.AZURITE_TABLE_PORT ?? '10002';
const PLAYGROUND_PORT = process.env.PLAYGROUND_PORT ?? '56150';
const dataDir = process.env.AZURITE_LOCATION ?? path.join(root, '.azurite');
mkdirSync(dataDir, { recursive: true });

const children: { name: string; child: ChildProcess; stopSignal: NodeJS.Signals }[] = [];

function run(name: string, args: string[], env: NodeJS.ProcessEnv, stopSignal: NodeJS.Signals): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
  children.push({ name, child, stopSignal });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`\n${name} exited (${signal ?? code}); stopping everything.\n`);
      void stopAll(1);
    }
  });
  return child;
}

async function waitFor(url: string, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`${what} did not come up at ${url} within ${timeoutMs / 1000} s`);
}

let stopping = false;
async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Stop the playground and the bot first, Azurite last so in-flight writes land.
  for (const { child, stopSignal } of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(stopSignal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
    await exited;
    clearTimeout(timer);
  }
  process.exit(code);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

const azuriteMain = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist/src/table/main.js');
run(
  'Azurite',
  [
    azuriteMain,
    '--tableHost',
    '127.0.0.1',
    '--tablePort',
    TABLE_PORT,
    '--location',
    dataDir,
    '--silent',
    '--disableTelemetry',
    '--skipApiVersionCheck',
    '--loose',
  ],
  {},
  'SIGINT',
);
await waitFor(`http://127.0.0.1:${TABLE_PORT}/devstoreaccount1/Tables`, 'Azurite');

const tsxCli = require.resolve('tsx/cli');
run(
  'tencs bot',
  [tsxCli, path.join(root, 'src/index.ts')],
  {
    BOT_AUTH: 'disabled',
    HOST,
    PORT,
    TABLES_CONNECTION_STRING:
      process.env.TABLES_CONNECTION_STRING ??
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:${TABLE_PORT}/devstoreaccount1;`,
  },
  'SIGTERM',
);
await waitFor(`http://${HOST}:${PORT}/healthz`, 'The bot');

const playgroundCli = path.join(path.dirname(require.resolve('@microsoft/m365agentsplayground/package.json')), 'cli.js');
/** One Playground on `port`; with `me`, signed in as that user of tencs's mock tenant (else the Playground's own default). */
const playground = async (name: string, port: string, me?: { user: PlaygroundUser; others: readonly PlaygroundUser[] }) => {
  const env: NodeJS.ProcessEnv = { TEAMSAPPTESTER_BROWSER: 'none', TEAMSFX_TELEMETRY_DISABLED: 'true' };
  if (me) {
    const dir = path.join(root, '.localdata', 'playground', name);
    mkdirSync(dir, { recursive: true });
    env.M365_AGENTS_PLAYGROUND_CONFIG_PATH = path.join(dir, '.m365agentsplayground.yml');
    writeFileSync(env.M365_AGENTS_PLAYGROUND_CONFIG_PATH, playgroundConfig(me.user, me.others));
  }
  run(name, [playgroundCli, '-e', `http://${HOST}:${PORT}/api/messages`, '-c', 'msteams', '-p', port, '--disable-telemetry'], env, 'SIGTERM');
  await waitFor(`http://127.0.0.1:${port}/`, name);
};
// A second Playground, signed in as a colleague in the same mock tenant, to try the hand-over of a case.
const COLLEAGUE_PORT = process.env.PLAYGROUND_COLLEAGUE_PORT;
if (COLLEAGUE_PORT) {
  await playground('Agents Playground', PLAYGROUND_PORT, { user: PRACTITIONER, others: [MANAGER] });
  await playground('Agents Playground (colleague)', COLLEAGUE_PORT, { user: COLLEAGUE, others: [PRACTITIONER, MANAGER] });
} else {
  await playground('Agents Playground', PLAYGROUND_PORT);
}
const colleagueLine = COLLEAGUE_PORT
  ? `  A colleague's Agents Playground (${COLLEAGUE.name}, Entra object id ${COLLEAGUE.aadObjectId}): http://localhost:${COLLEAGUE_PORT}\n`
  : '';
process.stdout.write(
  `\n  tencs is running.\n  Open the Agents Playground: http://localhost:${PLAYGROUND_PORT}\n${colleagueLine}  Bot endpoint: http://${HOST}:${PORT}/api/messages (auth OFF, local only)\n  Table Storage: Azurite on 127.0.0.1:${TABLE_PORT}, data in ${path.relative(root, dataDir) || dataDir}\n  Press Ctrl-C to stop them all.\n\n`,
);
