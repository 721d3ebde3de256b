import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { MESSAGES } from '../../src/interactions/messages.js';
import { cardOf, cardText, execute, message, newUser, startTestBot, type TestBot } from '../helpers/bot-harness.js';
import { channelExecute, channelMessage, newChannel } from '../helpers/channel.js';

const verbsOf = (card: unknown): string[] => {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (n && typeof n === 'object') {
      const r = n as { type?: string; verb?: string };
      if (r.type === 'Action.Execute' && r.verb) out.push(r.verb);
      Object.values(r).forEach(walk);
    }
  };
  walk(card);
  return out;
};

// An assessment card in a channel would show a child's case to everyone there: assessments live in personal chat only.
describe('assessments in a team channel', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ RATE_LIMIT_BURST: '1000' });
  });
  afterAll(async () => {
    await bot.close();
  });

  it.each(['start', 'resume', 'my assessments'])(
    'when "<at>tencs</at> %s" is posted in a channel, then no assessment card is posted there and the reply points to personal chat',
    async (text) => {
      const user = newUser();
      const result = await bot.send(channelMessage(bot, user, newChannel(), text));
      expect(result.status).toBe(200);
      expect(result.sent).toHaveLength(1);
      expect(result.sent[0]!.attachments).toBeUndefined();
      expect(result.sent[0]!.text).toBe(MESSAGES.assessmentPersonalOnly);
      // Nothing was started on their behalf: their personal list is still empty.
      const list = await bot.send(message(bot, user, 'my assessments'));
      expect(cardText(cardOf(list))).toMatch(/You have no assessments yet/);
    },
  );

  it.each([VERBS.start, VERBS.list])(
    'when a %s button is pressed on a card in a channel, then the answer is the personal-chat notice, not an assessment',
    async (verb) => {
      const user = newUser();
      const result = await bot.send(channelExecute(bot, user, newChannel(), verb));
      expect(result.status).toBe(200);
      const text = cardText(cardOf(result));
      expect(text).toContain('Assessments stay in our personal chat');
      expect(text).not.toMatch(/before you start|Your assessments/);
      // Start and My assessments would only lead back to this notice here: the channel gets the consultation.
      expect(verbsOf(cardOf(result))).toEqual([VERBS.consultList, VERBS.help]);
      const list = await bot.send(message(bot, user, 'my assessments'));
      expect(cardText(cardOf(list))).toMatch(/You have no assessments yet/);
    },
  );

  it('when an assessment card is opened in personal chat and its button data is replayed from a channel, then nothing is saved from the channel', async () => {
    const user = newUser();
    const started = cardOf(await bot.send(message(bot, user, 'start')));
    const ack = (started.actions as { verb: string; data: Record<string, unknown> }[]).find((a) => a.verb === VERBS.cautionsAck)!;
    const fromChannel = await bot.send(channelExecute(bot, user, newChannel(), VERBS.cautionsAck, ack.data));
    expect(cardText(cardOf(fromChannel))).toContain('Assessments stay in our personal chat');
    // In personal chat the same button still works: the assessment was left exactly where it was.
    const personal = await bot.send(execute(bot, user, VERBS.cautionsAck, ack.data));
    expect(cardText(cardOf(personal))).toMatch(/About this assessment/);
  });

  it('when help is asked for in a channel, then the card offers the consultation but no Start or My assessments button', async () => {
    const channelHelp = cardOf(await bot.send(channelMessage(bot, newUser(), newChannel(), 'help')));
    expect(verbsOf(channelHelp)).toEqual([VERBS.consultList]);
    const personalHelp = cardOf(await bot.send(message(bot, newUser(), 'help')));
    expect(verbsOf(personalHelp)).toEqual([VERBS.start, VERBS.consultList, VERBS.list]);
  });

  it('when a delete button is pressed on a card in a channel, then the refusal offers the consultation, not My assessments', async () => {
    const result = await bot.send(channelExecute(bot, newUser(), newChannel(), VERBS.privacyDeleteAsk, { assessmentId: 'a-1' }));
    expect(result.status).toBe(200);
    expect(verbsOf(cardOf(result))).toEqual([VERBS.consultList, VERBS.help]);
  });

  it('when a notice is shown in personal chat, then it still offers My assessments and Start', async () => {
    const result = await bot.send(execute(bot, newUser(), VERBS.open, {}));
    expect(cardText(cardOf(result))).toContain('Out of date card');
    expect(verbsOf(cardOf(result))).toEqual([VERBS.list, VERBS.start, VERBS.help]);
  });
});
