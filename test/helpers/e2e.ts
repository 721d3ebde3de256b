import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { copyFileSync, createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { freePort, startAzurite, type AzuriteHandle } from './azurite.js';
import { playgroundConfig, type PlaygroundUser } from '../../scripts/playground-config.js';
import { buildDependencies } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { registerCycleJobs } from '../../src/cycle-jobs.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import { createLogger } from '../../src/log.js';
import { createServer, listen, type RunningServer } from '../../src/server.js';
import { TableLeaseStore } from '../../src/storage/lease-store.js';

const require = createRequire(import.meta.url);

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Where screenshots and process logs go (git-ignored). */
export const RESULTS_DIR = path.join(ROOT, 'test-results', 'e2e');

/** Debian's chromium and the flags that make it run headless in a container without reaching out. */
export const CHROMIUM = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
} as const;

async function waitForHttp(url: string, what: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${what} exited (${child.signalCode ?? child.exitCode}) before answering at ${url}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not answer at ${url} within ${timeoutMs / 1000} s`);
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** The bot as its own process, exactly as `npm run bot` starts it, restartable on the same port. */
export interface BotProcess {
  readonly url: string;
  readonly endpoint: string;
  /** Stops the process (SIGTERM, as App Service does) and starts a new one against the same tables. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** What a local run of the bot is given (auth disabled on loopback, its own table prefix and key), and its log file. */
async function botSetting(azurite: AzuriteHandle, logName: string) {
  const port = await freePort();
  const env = {
    ...process.env,
    BOT_AUTH: 'disabled',
    HOST: '127.0.0.1',
    PORT: String(port),
    TABLES_CONNECTION_STRING: azurite.connectionString,
    TABLE_PREFIX: `e2e${randomUUID().replace(/-/g, '').slice(0, 10)}`,
    ENCRYPTION_KEYS: `e2e:${randomBytes(32).toString('base64')}`,
    LOG_LEVEL: 'info',
    // A script clicks faster than any practitioner; the per-user limiter has its own tests.
    RATE_LIMIT_BURST: '500',
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const log = createWriteStream(path.join(RESULTS_DIR, `${logName}.log`), { flags: 'w' });
  return { env, port, url: `http://127.0.0.1:${port}`, log };
}

/** Starts the bot with tsx, auth disabled on loopback, against `azurite`, with its own table prefix and key. */
export async function startBotProcess(azurite: AzuriteHandle, logName: string): Promise<BotProcess> {
  const { env, url, log } = await botSetting(azurite, logName);
  let child: ChildProcess;
  const start = async () => {
    child = spawn(process.execPath, [require.resolve('tsx/cli'), path.join(ROOT, 'src/index.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    await waitForHttp(`${url}/healthz`, 'The bot', child);
  };
  await start();
  return {
    url,
    endpoint: `${url}/api/messages`,
    async restart() {
      await stopChild(child, 'SIGTERM');
      await start();
    },
    async stop() {
      await stopChild(child, 'SIGTERM');
      log.end();
    },
  };
}

/**
 * The bot on a clock the test moves, so a review date three months away comes in seconds. Built as
 * src/index.ts builds it (the same composition root, server and case-over-time jobs), but in the test's
 * process with `clock` as the time its services and job runner read, the jobs checked every half second.
 * Nothing in production can move the clock: the seam is buildDependencies's test option.
 */
export async function startClockedBot(azurite: AzuriteHandle, logName: string, clock: () => Date): Promise<BotProcess> {
  const { env, port, url, log } = await botSetting(azurite, logName);
  const config = loadConfig(env);
  let running!: RunningServer;
  let jobs!: JobRunner;
  const start = async () => {
    const logger = createLogger(config.logLevel, log);
    const deps = await buildDependencies(config, logger, { now: clock });
    running = await listen(createServer({ bot: deps.bot, storageHealthy: deps.storageHealthy, logger, maxBodyBytes: config.maxBodyBytes }), config.host, port);
    logger.info({ event: 'server.listening', url: running.url, auth: 'off', host: config.botHost, clock: 'test' }, 'tencs listening (in the test process)');
    jobs = new JobRunner({
      store: new TableLeaseStore(deps.tables),
      holder: `e2e:${process.pid}`,
      logger,
      leaseMs: config.jobs.leaseMs,
      now: () => clock().getTime(),
    });
    registerCycleJobs(jobs, { reminders: deps.reminders, handOvers: deps.handOvers, personal: deps.personal, config: config.cycle }, logger, config.jobs);
    jobs.start(500);
  };
  const stop = async () => {
    await jobs.stop();
    await running.close();
  };
  await start();
  return {
    url,
    endpoint: `${url}/api/messages`,
    async restart() {
      await stop();
      await start();
    },
    async stop() {
      await stop();
      log.end();
    },
  };
}

export { COLLEAGUE, MANAGER, OUTSIDER, PRACTITIONER, playgroundConfig, type PlaygroundUser } from '../../scripts/playground-config.js';

/** A running Microsoft 365 Agents Playground pointed at the bot. */
export interface Playground {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts the Playground (msteams channel, telemetry off, no browser) with `me` as the signed-in user. */
export async function startPlayground(endpoint: string, me: PlaygroundUser, others: readonly PlaygroundUser[], logName: string): Promise<Playground> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'tencs-playground-'));
  writeFileSync(path.join(dir, '.m365agentsplayground.yml'), playgroundConfig(me, others));
  mkdirSync(RESULTS_DIR, { recursive: true });
  const log = createWriteStream(path.join(RESULTS_DIR, `${logName}.log`), { flags: 'w' });
  const cli = path.join(path.dirname(require.resolve('@microsoft/m365agentsplayground/package.json')), 'cli.js');
  const child = spawn(process.execPath, [cli, '-e', endpoint, '-c', 'msteams', '-p', String(port), '--disable-telemetry'], {
    cwd: dir,
    env: {
      ...process.env,
      TEAMSAPPTESTER_BROWSER: 'none',
      TEAMSFX_TELEMETRY_DISABLED: 'true',
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: path.join(dir, '.m365agentsplayground.yml'),
      M365_AGENTS_PLAYGROUND_LOGFILE: path.join(dir, 'playground.log'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  // The Playground writes its own reasons (e.g. a bad config) to its log file, not to stdout.
  const keepLog = () => copyFileSync(path.join(dir, 'playground.log'), path.join(RESULTS_DIR, `${logName}-internal.log`));
  try {
    await waitForHttp(`${url}/`, 'The Agents Playground', child);
  } catch (error) {
    await stopChild(child, 'SIGKILL');
    keepLog();
    throw new Error(`${(error as Error).message}; see test-results/e2e/${logName}-internal.log`, { cause: error });
  }
  return {
    url,
    async stop() {
      await stopChild(child, 'SIGTERM');
      keepLog();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A headless chromium with a fresh profile. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(path.join(tmpdir(), 'tencs-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM.executablePath,
    args: [...CHROMIUM.args],
    headless: true,
    // Teams desktop's message column is about this wide; tall enough that no card is clipped by the window.
    viewport: { width: 1280, height: 2400 },
  });
  context.setDefaultTimeout(30_000);
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The little of the DOM the readability check needs (tsconfig has no DOM lib: this code runs in the browser). */
interface DomBox {
  readonly left: number;
  readonly right: number;
  readonly width: number;
  readonly height: number;
}
interface DomElement {
  getBoundingClientRect(): DomBox;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  readonly classList: { contains(name: string): boolean };
  readonly className: string;
  readonly tagName: string;
  readonly innerText?: string;
  readonly scrollWidth: number;
  readonly clientWidth: number;
  readonly scrollHeight: number;
  readonly clientHeight: number;
}
interface DomStyle {
  readonly visibility: string;
  readonly overflow: string;
  readonly webkitLineClamp: string;
}

/** What a reviewer should find wrong with a rendered card: text cut off or content wider than the card. */
export async function cardProblems(card: Locator): Promise<string[]> {
  return card.evaluate((node: unknown) => {
    const root = node as DomElement;
    const page = globalThis as unknown as { getComputedStyle(el: DomElement): DomStyle };
    const styleOf = (el: DomElement): DomStyle => page.getComputedStyle(el);
    const problems: string[] = [];
    const box = root.getBoundingClientRect();
    for (const el of Array.from(root.querySelectorAll('*'))) {
      const style = styleOf(el);
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
      const text = (el.innerText ?? '').trim().slice(0, 60);
      if (r.right > box.right + 1 || r.left < box.left - 1) problems.push(`sticks out of the card: ${el.className || el.tagName} "${text}"`);
      if (el.classList.contains('ac-textBlock') && el.scrollWidth > el.clientWidth + 1 && style.overflow !== 'visible')
        problems.push(`text cut off: "${text}"`);
      if (el.classList.contains('ac-textBlock') && style.webkitLineClamp !== 'none' && el.scrollHeight > el.clientHeight + 1 && style.overflow !== 'visible') {
        problems.push(`text clipped vertically: "${text}"`);
      }
    }
    return problems;
  });
}

/** Drives one Playground page the way a person would: type, read the latest card, fill it, press its buttons. */
export class ChatDriver {
  private shots = 0;
  /** What the readability check found on every card shot so far, each as "name: problem". */
  readonly problems: string[] = [];

  constructor(
    readonly page: Page,
    private readonly shotPrefix: string,
  ) {}

  /** Opens the Playground and waits until the chat box is ready. */
  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.composer().waitFor();
  }

  /** The message box whose placeholder is `placeholder` ("Type a message..." in chats, "Start a new post" in channels). */
  composer(placeholder = 'Type a message...'): Locator {
    return this.page.locator(`xpath=//span[normalize-space()="${placeholder}"]/preceding-sibling::div[@data-lexical-editor="true"]`).first();
  }

  /** Selects a conversation in the left rail (Personal Chat, or a channel by name). */
  async openConversation(name: string): Promise<void> {
    await this.page.bringToFront();
    await this.page.getByText(name, { exact: true }).first().click();
  }

  /** Types a message in a chat and sends it with Enter. */
  async say(text: string): Promise<void> {
    await this.page.bringToFront();
    await this.composer().click();
    await this.page.keyboard.type(text);
    await this.page.keyboard.press('Enter');
  }

  /** Types a message and returns the card that comes back (the first new card after it). */
  async ask(text: string): Promise<Locator> {
    const before = await this.cards().count();
    await this.say(text);
    const reply = this.cards().nth(before);
    await reply.waitFor();
    return reply;
  }

  /** Starts a new post in the open channel that @mentions the bot, as Teams requires for a bot to hear it. */
  async post(text: string, botName = 'tencs'): Promise<void> {
    await this.page.bringToFront();
    await this.composer('Start a new post').click();
    await this.page.keyboard.type('@');
    await this.page
      .getByRole('menuitem')
      .filter({ hasText: new RegExp(`^\\s*${botName}\\s*$`) })
      .first()
      .click();
    await this.page.keyboard.type(` ${text}`);
    await this.page.getByRole('button', { name: 'Post', exact: true }).click();
  }

  /** Every Adaptive Card on screen. */
  cards(): Locator {
    return this.page.locator('.ac-adaptiveCard');
  }

  /** The newest card with a text block (not a button) matching `text`, once it is there. */
  async card(text: string | RegExp): Promise<Locator> {
    // A page in a background tab is throttled by chromium (ten times slower here): act on the one in front.
    await this.page.bringToFront();
    const card = this.cards()
      .filter({ has: this.page.locator('.ac-textBlock, .ac-richTextBlock').filter({ hasText: text }) })
      .last();
    try {
      await card.waitFor();
    } catch (error) {
      await this.page.screenshot({ path: path.join(RESULTS_DIR, `${this.shotPrefix}-failure-${Date.now()}.png`), fullPage: true });
      throw error;
    }
    return card;
  }

  /** Picks an option in a compact choice set (the Playground renders it as a combobox). */
  async choose(card: Locator, label: string, option: string): Promise<void> {
    await card.getByRole('combobox', { name: label, exact: true }).click();
    await this.page.getByRole('option', { name: option, exact: true }).click();
  }

  /** Presses a card button by its title. */
  async press(card: Locator, title: string | RegExp): Promise<void> {
    await this.page.bringToFront();
    await card.getByRole('button', { name: title }).first().click();
  }

  /** Saves a screenshot of `card` under test-results/e2e and returns its path and what looks wrong with it (also kept in `problems`). */
  async shoot(card: Locator, name: string): Promise<{ file: string; problems: string[] }> {
    this.shots += 1;
    const file = path.join(RESULTS_DIR, `${this.shotPrefix}-${String(this.shots).padStart(2, '0')}-${name}.png`);
    // A card taller than the chat pane would slide under the Playground's header: grow the window first.
    const height = (await card.boundingBox())?.height ?? 0;
    const viewport = this.page.viewportSize();
    if (viewport && height + 600 > viewport.height) await this.page.setViewportSize({ width: viewport.width, height: Math.ceil(height + 800) });
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: file });
    const problems = await cardProblems(card);
    this.problems.push(...problems.map((p) => `${name}: ${p}`));
    return { file, problems };
  }
}

/** A whole assessment as a practitioner fills it in: the case, then each C's judgements, then C10. */
export interface AssessmentPlan {
  readonly caseRef: string;
  readonly ageBand: string;
  /** Risk of harm and resilience for C1 to C9, in order. */
  readonly ratings: readonly (readonly [risk: string, resilience: string])[];
  /** An offline factor ticked on C10, and the analysis of how the risks combine. */
  readonly offlineFactor: string;
  readonly analysis: string;
}

/**
 * From "start" to "Assessment complete" through the cards: C n gets "Strength n", "Vulnerability n" and
 * "Their view n" typed with its two judgements. Returns the completed card.
 */
export async function completeAssessment(chat: ChatDriver, plan: AssessmentPlan): Promise<Locator> {
  await chat.say('start');
  await chat.press(await chat.card('New 10 Cs assessment: before you start'), 'I understand, continue');
  const setup = await chat.card('About this assessment');
  await setup.getByLabel('Case reference').fill(plan.caseRef);
  await chat.choose(setup, "Young person's age", plan.ageBand);
  await setup.getByText('Young person', { exact: true }).click();
  await chat.press(setup, 'Save & next');
  for (const [i, [risk, resilience]] of plan.ratings.entries()) {
    const card = await chat.card(`C ${i + 1} of 10`);
    await card.getByLabel('Strengths and protective factors').fill(`Strength ${i + 1}`);
    await card.getByLabel('Vulnerabilities and risks').fill(`Vulnerability ${i + 1}`);
    await chat.choose(card, 'Risk of harm', risk);
    await chat.choose(card, 'Resilience', resilience);
    await card.getByLabel("The young person's own view").fill(`Their view ${i + 1}`);
    await chat.press(card, 'Save & next');
  }
  const c10 = await chat.card('C 10 of 10');
  await c10.getByText(plan.offlineFactor, { exact: true }).click();
  await c10.getByLabel('Your analysis: how do the risks combine?').fill(plan.analysis);
  await chat.press(c10, 'Save & review');
  await chat.press(await chat.card('Review your assessment'), 'Complete');
  return chat.card('Assessment complete');
}

/** Azurite, the bot and one Playground per user, torn down in reverse order. */
export interface Stack {
  readonly azurite: AzuriteHandle;
  readonly bot: BotProcess;
  readonly playgrounds: Map<string, Playground>;
  /**
   * Starts a Playground signed in as `me` (`others` first among its mock users), opens it in a new page
   * of the stack's headless chromium, and returns the page's driver. Logs and shots are named by `key`.
   */
  open(key: string, me: PlaygroundUser, others: readonly PlaygroundUser[]): Promise<ChatDriver>;
  stop(): Promise<void>;
}

/** Starts Azurite and the bot (its own process, or in this one on `clock`); Playgrounds are opened by the test as it needs them. */
export async function startStack(name: string, clock?: () => Date): Promise<Stack> {
  const azurite = await startAzurite();
  const playgrounds = new Map<string, Playground>();
  let bot: BotProcess;
  try {
    bot = clock ? await startClockedBot(azurite, `${name}-bot`, clock) : await startBotProcess(azurite, `${name}-bot`);
  } catch (error) {
    await azurite.stop();
    throw error;
  }
  let browser: Promise<Awaited<ReturnType<typeof launchBrowser>>> | undefined;
  return {
    azurite,
    bot,
    playgrounds,
    async open(key, me, others) {
      const playground = await startPlayground(bot.endpoint, me, others, `${name}-playground-${key}`);
      playgrounds.set(key, playground);
      browser ??= launchBrowser();
      const chat = new ChatDriver(await (await browser).context.newPage(), `${name}-${key}`);
      await chat.open(playground.url);
      return chat;
    },
    async stop() {
      if (browser) await (await browser).close();
      for (const p of playgrounds.values()) await p.stop();
      await bot.stop();
      await azurite.stop();
    },
  };
}
