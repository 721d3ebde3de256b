import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { MESSAGES } from '../../src/interactions/messages.js';
import { cardOf, cardText, execute, message, newUser, startTestBot, type TestBot } from '../helpers/bot-harness.js';

const FILES_HOST = 'https://files.tencs-guard-test.example';

/** Every entity in every table this bot's prefix owns, as JSON text. */
async function storedText(bot: TestBot): Promise<string> {
  const prefix = bot.deps.config.tablePrefix;
  const out: string[] = [];
  for await (const t of bot.deps.tables.service().listTables()) {
    if (!t.name?.startsWith(prefix)) continue;
    for await (const entity of bot.deps.tables.table(t.name.slice(prefix.length)).listEntities()) out.push(JSON.stringify(entity));
  }
  return out.join('\n');
}

describe('images and files sent to the bot', () => {
  let bot: TestBot;
  let files: nock.Scope;

  beforeAll(async () => {
    bot = await startTestBot();
    // Anything the bot tried to fetch from the file host would be answered here, and show as used.
    files = nock(FILES_HOST).persist().get(/.*/).reply(200, 'image bytes');
  });
  afterAll(async () => {
    nock.cleanAll();
    await bot.close();
  });

  const dispatched = (activityId: unknown): boolean => bot.logLines.some((l) => l.includes('"event":"message.command"') && l.includes(String(activityId)));

  async function expectRefused(activity: Record<string, unknown>, secrets: string[]): Promise<void> {
    const before = bot.logLines.length;
    const result = await bot.send(activity);
    expect(result.status).toBe(200);
    expect(dispatched(activity.id)).toBe(false);
    expect(result.sent).toHaveLength(1);
    const reply = result.sent[0]!;
    expect(reply.text).toBe(MESSAGES.attachmentRefused);
    expect(reply.attachments ?? []).toEqual([]);
    // Not downloaded, not forwarded, not logged, not stored.
    expect(files.isDone()).toBe(false);
    const sentText = JSON.stringify(result.sent);
    const logText = bot.logLines.slice(before).join('\n');
    const stored = await storedText(bot);
    for (const s of secrets) {
      expect(sentText).not.toContain(s);
      expect(logText).not.toContain(s);
      expect(stored).not.toContain(s);
    }
    expect(logText).toContain('"event":"message.attachment-refused"');
  }

  it('when a PNG image is sent with a command, then the bot explains why it refuses and runs no command', async () => {
    const activity = message(bot, newUser(), 'start', {
      attachments: [{ contentType: 'image/png', contentUrl: `${FILES_HOST}/png-distinct-0001.png`, name: 'png-distinct-0001.png' }],
    });
    await expectRefused(activity, ['png-distinct-0001']);
  });

  it('when a file is shared in the personal chat (download info), then it is refused and never fetched', async () => {
    const activity = message(bot, newUser(), '', {
      attachments: [
        {
          contentType: 'application/vnd.microsoft.teams.file.download.info',
          contentUrl: `${FILES_HOST}/sites/x/file-distinct-0002.docx`,
          name: 'file-distinct-0002.docx',
          content: { downloadUrl: `${FILES_HOST}/download/file-distinct-0002?token=abc`, uniqueId: 'u-1', fileType: 'docx' },
        },
      ],
    });
    await expectRefused(activity, ['file-distinct-0002']);
  });

  it('when an image is pasted inline (an <img> in the HTML copy of the message), then it is refused', async () => {
    const activity = message(bot, newUser(), 'look at this', {
      attachments: [
        {
          contentType: 'text/html',
          content: `<p>look at this</p><p><img src="${FILES_HOST}/v1/objects/inline-distinct-0003/views/imgo" width="250" height="250"></p>`,
        },
      ],
    });
    await expectRefused(activity, ['inline-distinct-0003']);
  });

  it('when Teams adds its ordinary HTML copy of the text, then the message is handled as usual', async () => {
    const activity = message(bot, newUser(), 'hello', { attachments: [{ contentType: 'text/html', content: '<p>hello</p>' }] });
    const result = await bot.send(activity);
    expect(dispatched(activity.id)).toBe(true);
    expect(cardText(cardOf(result))).toContain('10 Cs');
  });

  it('when the HTML copy only carries an emoji, then the message is handled as usual', async () => {
    const activity = message(bot, newUser(), 'hello', {
      attachments: [
        {
          contentType: 'text/html',
          content:
            '<p>hello <img alt="\u{1F642}" itemtype="http://schema.skype.com/Emoji" itemid="slightsmile" src="https://statics.teams.cdn.office.net/evergreen-assets/personal-expressions/v2/assets/emoticons/slightsmile/default/20_f.png"></p>',
        },
      ],
    });
    const result = await bot.send(activity);
    expect(dispatched(activity.id)).toBe(true);
    expect(cardText(cardOf(result))).toContain('10 Cs');
  });
});

describe('a user flooding the bot', () => {
  let bot: TestBot;

  beforeAll(async () => {
    // Three turns at once and practically no refill during the test: the fourth turn is over the limit.
    bot = await startTestBot({ RATE_LIMIT_BURST: '3', RATE_LIMIT_PER_MINUTE: '0.01' });
  });
  afterAll(async () => {
    await bot.close();
  });

  const dispatched = (activityId: unknown): boolean => bot.logLines.some((l) => l.includes('"event":"message.command"') && l.includes(String(activityId)));

  it('when one user goes over the limit, then they are told kindly once and slowed, while another user is served', async () => {
    const flooder = newUser('Flooder');
    const other = newUser('Colleague');
    for (let i = 0; i < 3; i++) {
      const ok = await bot.send(message(bot, flooder, 'hello'));
      expect(cardText(cardOf(ok))).toContain('10 Cs');
    }

    const over = message(bot, flooder, 'hello');
    const limited = await bot.send(over);
    expect(limited.status).toBe(200);
    expect(dispatched(over.id)).toBe(false);
    expect(limited.sent.map((a) => a.text)).toEqual([MESSAGES.rateLimited]);

    const again = message(bot, flooder, 'hello');
    const quiet = await bot.send(again);
    expect(dispatched(again.id)).toBe(false);
    expect(quiet.sent).toEqual([]);

    const card = await bot.send(execute(bot, flooder, VERBS.help));
    expect(card.status).toBe(200);
    expect(card.body).toEqual({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: MESSAGES.rateLimited });

    const served = await bot.send(message(bot, other, 'hello'));
    expect(cardText(cardOf(served))).toContain('10 Cs');

    const line = bot.logLines.find((l) => l.includes('"event":"rate.limited"'));
    expect(line).toContain(flooder.aadObjectId);
  });
});

describe('request bodies over MAX_BODY_BYTES', () => {
  let bot: TestBot;

  beforeAll(async () => {
    bot = await startTestBot({ MAX_BODY_BYTES: '4096' });
  });
  afterAll(async () => {
    await bot.close();
  });

  const dispatched = (activityId: unknown): boolean => bot.logLines.some((l) => l.includes('"event":"message.command"') && l.includes(String(activityId)));

  it('when a message just under the limit arrives, then it is handled', async () => {
    const activity = message(bot, newUser(), `hello ${'x'.repeat(2000)}`);
    const result = await bot.send(activity);
    expect(result.status).toBe(200);
    expect(dispatched(activity.id)).toBe(true);
  });

  it('when the body is over the limit, then 413 and the bot never sees it', async () => {
    const activity = message(bot, newUser(), `hello ${'x'.repeat(8000)}`);
    const result = await bot.send(activity);
    expect(result.status).toBe(413);
    expect(dispatched(activity.id)).toBe(false);
    expect(result.sent).toEqual([]);
  });

  it('when an oversized body is streamed without a Content-Length, then 413 as well', async () => {
    const activity = message(bot, newUser(), `hello ${'y'.repeat(8000)}`);
    const bytes = new TextEncoder().encode(JSON.stringify(activity));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 1024) controller.enqueue(bytes.slice(i, i + 1024));
        controller.close();
      },
    });
    const res = await fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    });
    await res.arrayBuffer();
    expect(res.status).toBe(413);
    expect(dispatched(activity.id)).toBe(false);
  });
});
