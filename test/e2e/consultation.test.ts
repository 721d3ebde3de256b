import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatDriver, MANAGER, cardProblems, PRACTITIONER, startStack, type Stack } from '../helpers/e2e.js';

// The walking skeleton and quick consultation as a person sees them in the Agents Playground.
describe('consultation in the Agents Playground', () => {
  let stack: Stack;
  let chat: ChatDriver;

  beforeAll(async () => {
    stack = await startStack('consultation');
    chat = await stack.open('practitioner', PRACTITIONER, [MANAGER]);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('when a card has text cut off or wider than the card, then the readability check reports both', async () => {
    const page = await chat.page.context().newPage();
    await page.setContent(`<div class="ac-adaptiveCard" style="width:200px;padding:8px">
      <div class="ac-textBlock" style="overflow:hidden;white-space:nowrap;text-overflow:ellipsis">A heading far too long to fit on one line of this card</div>
      <div class="ac-textBlock" style="width:400px">Wider than the card</div></div>`);
    const problems = await cardProblems(page.locator('.ac-adaptiveCard'));
    await page.close();
    expect(problems.some((p) => p.startsWith('text cut off: "A heading far too long'))).toBe(true);
    expect(problems.some((p) => p.startsWith('sticks out of the card') && p.includes('Wider than the card'))).toBe(true);
  });

  it('when a practitioner opens the app, then the welcome card says what tencs does and is readable', async () => {
    const welcome = await chat.card('tencs: the 10 Cs online risk and resilience assessment');
    const shot = await chat.shoot(welcome, 'welcome');
    expect(shot.problems).toEqual([]);
    await expect(welcome.getByRole('button', { name: 'Start an assessment' }).isVisible()).resolves.toBe(true);
  });

  it('when they type "consult contact", then the Contact card comes back readable, and "Back to the list" turns it into the list in place', async () => {
    await chat.say('consult contact');
    const contact = await chat.card('Contact (online and offline)');
    expect((await chat.shoot(contact, 'consult-contact')).problems).toEqual([]);
    const before = await chat.cards().count();
    await chat.press(contact, 'Back to the list');
    const list = await chat.card('Consult the 10 Cs');
    expect(await chat.cards().count()).toBe(before);
    expect(await list.getByRole('button', { name: /^\d+\. / }).count()).toBe(10);
  });

  it('when they ask for cautions, the practice example, changes and standards, then each card is readable', async () => {
    for (const [command, name] of [
      ['cautions', 'cautions'],
      ['practice example', 'practice-example'],
      ['changes', 'changes'],
      ['standards', 'standards'],
    ] as const) {
      const before = await chat.cards().count();
      await chat.say(command);
      await expect.poll(() => chat.cards().count(), { timeout: 30_000 }).toBeGreaterThan(before);
      const card = chat.cards().last();
      expect((await chat.shoot(card, name)).problems, command).toEqual([]);
    }
  });

  it('when a new channel post @mentions tencs with "consult", then the list of the ten Cs is posted in the channel', async () => {
    await chat.openConversation('Supervision');
    await chat.post('consult');
    const list = await chat.card('Consult the 10 Cs');
    expect(await list.getByRole('button', { name: /^\d+\. / }).count()).toBe(10);
    expect((await chat.shoot(list, 'channel-consult-list')).problems).toEqual([]);
  });
});
