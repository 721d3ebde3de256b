import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardOf, cardText, message, newUser } from '../helpers/bot-harness.js';
import { startSignedBot, type SignedBot } from './signed-bot.js';

// Every request here goes to the real server with authentication on. formidable (restify's multipart
// parser) writes uploads to os.tmpdir(), read when each upload starts: this file points TMPDIR at a
// fresh, empty folder so that anything a request writes to "the temp folder" shows up there, and
// only there (other processes on the machine share the real one).
const MAX_BODY = 16 * 1024;
const DEADLINE_MS = 1500;
let bot: SignedBot;
let tempDir: string;
const originalTmp = process.env.TMPDIR;

beforeAll(async () => {
  tempDir = mkdtempSync(join(tmpdir(), 'tencs-intake-'));
  process.env.TMPDIR = tempDir;
  expect(tmpdir()).toBe(tempDir);
  bot = await startSignedBot({ MAX_BODY_BYTES: String(MAX_BODY) }, { bodyReadTimeoutMs: DEADLINE_MS });
});

afterAll(async () => {
  if (originalTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = originalTmp;
  await bot?.close();
  rmSync(tempDir, { recursive: true, force: true });
  nock.cleanAll();
});

interface RawResult {
  readonly status: number;
  readonly body: string;
}

/**
 * One POST to /api/messages with exactly these headers and body chunks (no Content-Length unless given:
 * then the body goes chunked), `gapMs` between chunks. Resolves with the answer as soon as it comes,
 * even while the body is still being sent.
 */
function post(headers: Record<string, string>, chunks: readonly Buffer[], gapMs = 0): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${bot.url}/api/messages`);
    let answered = false;
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers }, (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    void (async () => {
      for (const chunk of chunks) {
        if (answered || req.destroyed) return;
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r).once('close', r));
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      }
      if (!answered && !req.destroyed) req.end();
    })();
  });
}

const auth = (): Record<string, string> => ({ authorization: `Bearer ${bot.token()}` });
const variants: readonly [string, () => Record<string, string>][] = [
  ['without a token', () => ({})],
  ['with a valid token', auth],
];

const activityJson = (text = 'hello'): Buffer => Buffer.from(JSON.stringify(message(bot, newUser(), text)));

function multipart(size: number): { headers: Record<string, string>; body: Buffer } {
  const boundary = `----tencs${randomUUID()}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="evidence.png"\r\nContent-Type: image/png\r\n\r\n`),
    Buffer.alloc(size, 0x41),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body };
}

/** ~200 KB of gzip that inflates to `inflatedMb` MB of JSON; built in pieces, never whole in memory. */
async function gzipBomb(inflatedMb: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (d: Buffer) => out.push(d));
  const done = new Promise((r) => gzip.on('end', r));
  gzip.write(Buffer.from('{"type":"message","channelId":"msteams","text":"'));
  const mb = Buffer.alloc(1024 * 1024, 0x61);
  for (let i = 0; i < inflatedMb; i++) if (!gzip.write(mb)) await new Promise((r) => gzip.once('drain', r));
  gzip.end(Buffer.from('"}'));
  await done;
  return Buffer.concat(out);
}

/** Files now in the temp folder (it starts empty). */
const tempFiles = (): string[] => readdirSync(tempDir);

/** After a refused request, a normal turn still gets its answer. */
async function expectNextTurnAnswered(): Promise<void> {
  const result = await post({ 'content-type': 'application/json', ...auth() }, [activityJson()]);
  expect(result.status).toBe(200);
  const sent = bot.connector.calls.at(-1)?.body;
  expect(sent ? cardText(cardOf({ status: 200, body: undefined, sent: [sent] })) : '').toContain('10 Cs');
}

describe('request intake: only bounded JSON is read, and nothing from a request reaches disk', () => {
  const cases: readonly { name: string; expected: number; build: () => Promise<{ headers: Record<string, string>; chunks: Buffer[]; gapMs?: number }> }[] = [
    {
      name: 'when a multipart upload of 3 MB arrives',
      expected: 415,
      build: async () => {
        const m = multipart(3 * 1024 * 1024);
        return { headers: { ...m.headers, 'content-length': String(m.body.length) }, chunks: [m.body] };
      },
    },
    {
      name: 'when a small multipart upload arrives',
      expected: 415,
      build: async () => {
        const m = multipart(2000);
        return { headers: { ...m.headers, 'content-length': String(m.body.length) }, chunks: [m.body] };
      },
    },
    {
      name: 'when a urlencoded form arrives',
      expected: 415,
      build: async () => {
        const body = Buffer.from('type=message&text=hello');
        return { headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) }, chunks: [body] };
      },
    },
    {
      name: 'when an octet-stream arrives',
      expected: 415,
      build: async () => {
        const body = Buffer.alloc(4000, 1);
        return { headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.length) }, chunks: [body] };
      },
    },
    {
      name: 'when text/plain arrives',
      expected: 415,
      build: async () => {
        const body = activityJson();
        return { headers: { 'content-type': 'text/plain', 'content-length': String(body.length) }, chunks: [body] };
      },
    },
    {
      name: 'when no content type arrives',
      expected: 415,
      build: async () => {
        const body = activityJson();
        return { headers: { 'content-length': String(body.length) }, chunks: [body] };
      },
    },
    {
      name: 'when JSON in another charset arrives',
      expected: 415,
      build: async () => {
        const body = activityJson();
        return { headers: { 'content-type': 'application/json; charset=utf-16', 'content-length': String(body.length) }, chunks: [body] };
      },
    },
    {
      name: 'when a JSON body over the limit with its length declared arrives',
      expected: 413,
      build: async () => {
        const body = activityJson('x'.repeat(MAX_BODY * 2));
        return { headers: { 'content-type': 'application/json', 'content-length': String(body.length) }, chunks: [body] };
      },
    },
    {
      name: 'when a chunked JSON body with no length that goes over the limit arrives',
      expected: 413,
      build: async () => {
        const body = activityJson('y'.repeat(MAX_BODY * 4));
        const chunks: Buffer[] = [];
        for (let i = 0; i < body.length; i += 4096) chunks.push(body.subarray(i, i + 4096));
        return { headers: { 'content-type': 'application/json' }, chunks };
      },
    },
    {
      name: 'when a JSON body that trickles in past the deadline arrives',
      expected: 408,
      build: async () => {
        const body = activityJson();
        const chunks: Buffer[] = [];
        for (let i = 0; i < 10; i++) chunks.push(body.subarray(i * 20, i * 20 + 20));
        return { headers: { 'content-type': 'application/json', 'content-length': String(body.length) }, chunks, gapMs: 400 };
      },
    },
    {
      name: 'when gzip-encoded JSON of 200 KB that would inflate to 200 MB arrives',
      expected: 415,
      build: async () => {
        const body = await gzipBomb(200);
        expect(body.length).toBeLessThan(400 * 1024);
        return { headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(body.length) }, chunks: [body] };
      },
    },
    {
      name: 'when deflate-encoded JSON arrives',
      expected: 415,
      build: async () => {
        const body = activityJson();
        return { headers: { 'content-type': 'application/json', 'content-encoding': 'deflate', 'content-length': String(body.length) }, chunks: [body] };
      },
    },
  ];

  for (const c of cases) {
    for (const [variant, headers] of variants) {
      it(`${c.name} ${variant}, then ${c.expected} with no body, no handler, nothing in the temp folder, and the next turn is answered`, async () => {
        const before = tempFiles();
        const callsBefore = bot.connector.calls.length;
        const heapBefore = process.memoryUsage().heapUsed;
        const { headers: h, chunks, gapMs } = await c.build();
        const result = await post({ ...h, ...headers() }, chunks, gapMs);
        expect(result.status).toBe(c.expected);
        expect(result.body).toBe('');
        expect(bot.connector.calls.length).toBe(callsBefore);
        // Nothing inflated or buffered: the heap did not grow by anything like the body's size.
        expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
        await new Promise((r) => setTimeout(r, 100));
        expect(tempFiles()).toEqual(before);
        expect(tempFiles()).toEqual([]);
        await expectNextTurnAnswered();
      });
    }
  }

  it('when the refusals are logged, then each names the status and reason but none quotes the body', async () => {
    const marker = `MARK${randomUUID()}`;
    const from = bot.logLines.length;
    const body = Buffer.from(`type=message&text=${marker}`);
    const result = await post({ 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) }, [body]);
    expect(result.status).toBe(415);
    const lines = bot.logLines.slice(from);
    expect(lines.some((l) => l.includes('"event":"http.refused"') && l.includes('"status":415'))).toBe(true);
    for (const line of lines) expect(line).not.toContain(marker);
  });
});

describe('malformed activities, before authentication', () => {
  const malformed: readonly [string, (a: Record<string, unknown>) => unknown][] = [
    ['when an activity with a numeric type arrives', (a) => ({ ...a, type: 123 })],
    ['when an activity with an object as type arrives', (a) => ({ ...a, type: { toString: 'x' } })],
    ['when an activity with no type arrives', (a) => ({ ...a, type: undefined })],
    ['when an activity with a type with punctuation arrives', (a) => ({ ...a, type: 'message<script>' })],
    ['when an activity with a conversation that is a string arrives', (a) => ({ ...a, conversation: 'c' })],
    ['when an activity with a timestamp that is not a date arrives', (a) => ({ ...a, timestamp: 'not-a-date' })],
    ['when an activity with a 10 KB channelId arrives', (a) => ({ ...a, channelId: 'c'.repeat(10 * 1024) })],
    ['when an activity with a JSON array arrives', () => [1, 2, 3]],
    ['when an activity with a JSON string arrives', () => 'hello'],
    ['when an activity with JSON null arrives', () => null],
  ];

  for (const [name, mutate] of malformed) {
    for (const [variant, headers] of variants) {
      it(`${name} ${variant}, then 400 with no body and no internals`, async () => {
        const activity = message(bot, newUser(), 'hello');
        const body = Buffer.from(JSON.stringify(mutate(activity)));
        const result = await post({ 'content-type': 'application/json', 'content-length': String(body.length), ...headers() }, [body]);
        expect(result.status).toBe(400);
        expect(result.body).toBe('');
      });
    }
  }

  it('when the body is not JSON at all, then 400 with no body', async () => {
    const body = Buffer.from('{"type": "message", ');
    const result = await post({ 'content-type': 'application/json', 'content-length': String(body.length) }, [body]);
    expect(result.status).toBe(400);
    expect(result.body).toBe('');
  });
});
