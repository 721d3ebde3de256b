import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { CAUTIONS, CHANGES, PRACTICE_EXAMPLE, STANDARDS } from '../../src/tencs/consult.js';
import { TEN_CS, getC, type CId } from '../../src/tencs/ten-cs.js';
import { cardOf, cardText, execute, installed, message, newUser, startTestBot, type TestBot, type TurnResult } from '../helpers/bot-harness.js';
import { channelExecute, channelMessage, newChannel } from '../helpers/channel.js';

interface Action {
  type: string;
  verb?: string;
  title?: string;
  data?: Record<string, unknown>;
}

/** Every Action.Execute on a card, wherever it sits (card actions or ActionSets in the body). */
function actionsOf(card: unknown): Action[] {
  const out: Action[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      if ((node as Action).type === 'Action.Execute') out.push(node as Action);
      Object.values(node).forEach(walk);
    }
  };
  walk(card);
  return out;
}

/** The TextRuns of a card, where user text may appear. */
function textRuns(card: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const n = node as { type?: string; text?: string };
      if (n.type === 'TextRun' && typeof n.text === 'string') out.push(n.text);
      Object.values(node).forEach(walk);
    }
  };
  walk(card);
  return out;
}

function expectCCard(result: TurnResult, id: CId): void {
  const c = getC(id);
  const text = cardText(cardOf(result));
  expect(text).toContain(`C ${c.number} of 10\n${c.title}`);
  if (c.caution) expect(text).toContain(c.caution);
  expect(text).toContain(c.meaning);
  for (const line of [...c.questions, ...c.strengthExamples, ...c.vulnerabilityExamples, c.explore]) expect(text).toContain(line);
}

function expectList(result: TurnResult): void {
  const buttons = actionsOf(cardOf(result)).filter((a) => a.verb === VERBS.consultC);
  expect(buttons.map((b) => b.data?.c)).toEqual(expect.arrayContaining([...TEN_CS.map((c) => c.id)]));
  expect(buttons.length).toBeGreaterThanOrEqual(10);
}

describe('quick consultation in personal chat', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ RATE_LIMIT_BURST: '1000' });
  });
  afterAll(async () => {
    await bot.close();
  });

  it('when the practitioner types "consult", then a card lists the ten Cs with a button for each', async () => {
    const result = await bot.send(message(bot, newUser(), 'consult'));
    expect(result.status).toBe(200);
    const buttons = actionsOf(cardOf(result)).filter((a) => a.verb === VERBS.consultC);
    expect(buttons.map((b) => b.data?.c)).toEqual(TEN_CS.map((c) => c.id));
    expect(buttons.map((b) => b.title)).toEqual(TEN_CS.map((c) => `${c.number}. ${c.shortTitle}`));
    expect(cardText(cardOf(result))).toContain('Nothing you look at here is stored');
  });

  it.each([
    ['consult contact', 'contact'],
    ['consult 5', 'contact'],
    ['Consult C5', 'contact'],
    ['consult: Contcat', 'contact'],
    ['consult self disclosure', 'confidentiality'],
    ['CONSULT social capital', 'connection'],
    ['consultation 10', 'composite'],
    ['consult compatability', 'compatibility'],
  ] as const)('when the practitioner types %j, then the card for %s shows its meaning, every question and example, and what to explore', async (text, id) => {
    expectCCard(await bot.send(message(bot, newUser(), text)), id);
  });

  it.each([
    ['consult cautions', CAUTIONS[0]!.title],
    ['consult standards', STANDARDS.standards[0]!.summary],
  ])('when the practitioner types %j, then the matching read-only command answers instead of "no such C"', async (text, expected) => {
    const result = await bot.send(message(bot, newUser(), text));
    expect(cardText(cardOf(result))).toContain(expected);
  });

  it('when the name matches no C, then the list comes back with the typed name only in a TextRun and the valid names', async () => {
    const typed = 'Zebedee **bold** [x](https://example.com)';
    const result = await bot.send(message(bot, newUser(), `consult ${typed}`));
    const card = cardOf(result);
    expect(textRuns(card)).toContain(typed);
    expect(JSON.stringify(card).split('Zebedee').length - 1).toBe(1);
    const text = cardText(card);
    for (const c of TEN_CS) expect(text).toContain(c.shortTitle);
    expect(text).not.toContain('Did you mean');
    expectList(result);
  });

  it('when the name is close to several Cs, then "did you mean" offers each of them as a button', async () => {
    const result = await bot.send(message(bot, newUser(), 'consult cont'));
    const card = cardOf(result);
    expect(cardText(card)).toContain('Did you mean');
    const offered = actionsOf(card)
      .filter((a) => a.verb === VERBS.consultC)
      .map((a) => a.data?.c);
    // Suggestions first, then the full list of ten.
    expect(offered.slice(0, 3)).toEqual(['context', 'content', 'contact']);
    expect(offered).toHaveLength(13);
  });

  it('when a practitioner types a name, then no log line carries what they typed', async () => {
    await bot.send(message(bot, newUser(), 'consult Quixotic-Marmalade'));
    await bot.send(message(bot, newUser(), 'practice example Quixotic-Marmalade'));
    expect(bot.logLines.length).toBeGreaterThan(0);
    expect(bot.logLines.join('\n')).not.toMatch(/Quixotic|Marmalade/);
  });

  it('when a button for each C is pressed, then the card for that C comes back in the invoke response', async () => {
    const user = newUser();
    for (const c of TEN_CS) {
      const result = await bot.send(execute(bot, user, VERBS.consultC, { c: c.id }));
      expect(result.status).toBe(200);
      expect((result.body as { type: string }).type).toBe('application/vnd.microsoft.card.adaptive');
      expectCCard(result, c.id);
      const neighbours = actionsOf(cardOf(result))
        .filter((a) => a.verb === VERBS.consultC)
        .map((a) => a.data?.c);
      expect(neighbours).toEqual([TEN_CS[c.number - 2]?.id, TEN_CS[c.number]?.id].filter(Boolean));
    }
  });

  it.each([{ c: 'nope' }, { c: { $gt: '' } }, {}, { c: 'contact ' }])(
    'when forged action data %j arrives, then the list comes back and nothing breaks',
    async (data) => {
      const result = await bot.send(execute(bot, newUser(), VERBS.consultC, data));
      expect(result.status).toBe(200);
      expectList(result);
    },
  );

  it('when "back to the list" is pressed, then the list comes back', async () => {
    expectList(await bot.send(execute(bot, newUser(), VERBS.consultList)));
  });

  it('when the practitioner types "cautions" or presses its button, then every caution is shown in full', async () => {
    const user = newUser();
    for (const result of [await bot.send(message(bot, user, 'cautions')), await bot.send(execute(bot, user, VERBS.cautions))]) {
      const text = cardText(cardOf(result));
      for (const caution of CAUTIONS) for (const line of [caution.title, ...caution.points]) expect(text).toContain(line);
    }
  });

  it('when the practitioner types "practice example", then the introduction shows Sally\'s situation and the caution about images', async () => {
    const text = cardText(cardOf(await bot.send(message(bot, newUser(), 'practice example'))));
    expect(text).toContain(PRACTICE_EXAMPLE.scenario);
    expect(text).toContain(PRACTICE_EXAMPLE.imageCaution);
  });

  it('when the practitioner walks the example with Next, then each step shows its C and every prompt, ending on the composite risks', async () => {
    const user = newUser();
    let result = await bot.send(message(bot, user, 'practice example'));
    for (const [i, step] of PRACTICE_EXAMPLE.steps.entries()) {
      const next = actionsOf(cardOf(result)).find((a) => a.verb === VERBS.practiceExample && a.data?.step === i + 1);
      expect(next, `step ${i + 1}`).toBeDefined();
      result = await bot.send(execute(bot, user, next!.verb!, next!.data));
      const text = cardText(cardOf(result));
      expect(text).toContain(`C${getC(step.c).number} ${getC(step.c).shortTitle}`);
      expect(text).toContain(PRACTICE_EXAMPLE.imageCaution);
      for (const prompt of step.prompts) expect(text).toContain(prompt);
    }
    expect(cardText(cardOf(result))).toContain('What are the complex and composite risks?');
    expect(actionsOf(cardOf(result)).some((a) => a.title?.startsWith('Next'))).toBe(false);
  });

  it('when the practitioner types "practice example contact", then the example opens at the contact step', async () => {
    const text = cardText(cardOf(await bot.send(message(bot, newUser(), 'practice example contact'))));
    const step = PRACTICE_EXAMPLE.steps.findIndex((s) => s.c === 'contact');
    expect(text).toContain(`Step ${step + 1} of ${PRACTICE_EXAMPLE.steps.length}`);
    for (const prompt of PRACTICE_EXAMPLE.steps[step]!.prompts) expect(text).toContain(prompt);
  });

  it.each([{ step: 'abc' }, { step: 99 }, { step: -1 }, {}])('when the example button carries %j, then the introduction is shown', async (data) => {
    const text = cardText(cardOf(await bot.send(execute(bot, newUser(), VERBS.practiceExample, data))));
    expect(text).toContain(PRACTICE_EXAMPLE.imageCaution);
  });

  it('when the practitioner types "changes" or presses its button, then every question for a major change is shown', async () => {
    const user = newUser();
    for (const result of [await bot.send(message(bot, user, 'changes')), await bot.send(execute(bot, user, VERBS.changes))]) {
      const text = cardText(cardOf(result));
      expect(text).toContain(CHANGES.intro);
      for (const q of CHANGES.questions) expect(text).toContain(q);
    }
  });

  it('when the practitioner types "standards" or presses its button, then 2.5, 3.10 and 5.6 and the digital professionalism guide are shown', async () => {
    const user = newUser();
    for (const result of [await bot.send(message(bot, user, 'standards')), await bot.send(execute(bot, user, VERBS.standards))]) {
      const text = cardText(cardOf(result));
      for (const s of STANDARDS.standards) expect(text).toContain(`${s.number}\n${s.summary}`);
      expect(text).toContain(STANDARDS.furtherReading);
    }
  });

  it('when the bot is installed, then the welcome says what it does and does not do, every command, what is kept and for how long, with start, consult and list buttons', async () => {
    const user = newUser();
    const card = cardOf(await bot.send(installed(bot, user)));
    const text = cardText(card);
    expect(text).toMatch(/not a case record/);
    expect(text).toMatch(/don't make decisions/);
    expect(text).toMatch(/never accept or keep images/);
    expect(text).toMatch(/consultation stores nothing/i);
    for (const command of [
      'start',
      'resume',
      'my assessments',
      'consult',
      'cautions',
      'practice example',
      'changes',
      'standards',
      'export',
      'audit',
      'delete',
      'help',
    ]) {
      expect(text).toMatch(new RegExp(`^${command}\\b`, 'm'));
    }
    expect(text).toMatch(/not changed for 90 days/);
    expect(text).toMatch(/kept for 800 days/);
    expect(text).toMatch(/no activity for 396 days/);
    expect(actionsOf(card).map((a) => a.verb)).toEqual([VERBS.start, VERBS.consultList, VERBS.list]);
    expectList(await bot.send(execute(bot, user, VERBS.consultList)));
  });
});

describe('quick consultation when @mentioned in a team channel', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ RATE_LIMIT_BURST: '1000' });
  });
  afterAll(async () => {
    await bot.close();
  });

  it.each([
    ['consult 5', (r: TurnResult) => expectCCard(r, 'contact')],
    ['consult', expectList],
    ['consult Zebedee', expectList],
    ['cautions', (r: TurnResult) => expect(cardText(cardOf(r))).toContain(CAUTIONS[0]!.points[0])],
    ['practice example', (r: TurnResult) => expect(cardText(cardOf(r))).toContain(PRACTICE_EXAMPLE.scenario)],
    ['changes', (r: TurnResult) => expect(cardText(cardOf(r))).toContain(CHANGES.questions[0])],
    ['standards', (r: TurnResult) => expect(cardText(cardOf(r))).toContain(STANDARDS.standards[2]!.summary)],
  ] as const)('when "<at>tencs</at> %s" is posted, then the answer goes into that thread', async (text, check) => {
    const channel = newChannel();
    const activity = channelMessage(bot, newUser(), channel, text);
    expect(activity.text).toBe(`<at>tencs</at> ${text}`);
    const before = bot.connector.calls.length;
    const result = await bot.send(activity);
    expect(result.status).toBe(200);
    check(result);
    expect(result.sent).toHaveLength(1);
    const reply = result.sent[0]!;
    expect((reply.conversation as { id: string }).id).toBe(channel.conversationId);
    expect(reply.replyToId).toBe(activity.id);
    const calls = bot.connector.calls.slice(before);
    expect(calls.map((c) => c.conversationId)).toEqual([channel.conversationId]);
    // botbuilder replies at .../activities/{replyToId}; the Teams SDK posts to .../activities with replyToId (checked above).
    const replyPath = process.env.BOT_HOST === 'teams-sdk' ? '' : `/${String(activity.id)}`;
    expect(decodeURIComponent(calls[0]!.path)).toBe(`/v3/conversations/${channel.conversationId}/activities${replyPath}`);
  });

  it('when a card button is pressed in the channel, then the next card comes back in the invoke response and nothing is posted', async () => {
    const channel = newChannel();
    const result = await bot.send(channelExecute(bot, newUser(), channel, VERBS.consultC, { c: 'conduct' }));
    expect(result.status).toBe(200);
    expectCCard(result, 'conduct');
    expect(result.sent.filter((a) => a.type === 'message')).toHaveLength(0);
  });
});
