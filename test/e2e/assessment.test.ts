import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatDriver, MANAGER, PRACTITIONER, startStack, type Stack } from '../helpers/e2e.js';

// The guided assessment as a new practitioner meets it in the Agents Playground, including a restart of the bot.
describe('the guided assessment in the Agents Playground', () => {
  let stack: Stack;
  let chat: ChatDriver;

  beforeAll(async () => {
    stack = await startStack('assessment');
    chat = await stack.open('practitioner', PRACTITIONER, [MANAGER]);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const chosen = (card: Locator, label: string) => card.getByRole('combobox', { name: label, exact: true }).inputValue();

  /** Fills a C card the way a person would: type in each box, pick the two judgements. */
  const answer = async (card: Locator, n: number, risk: string, resilience: string) => {
    await card.getByLabel('Strengths and protective factors').fill(`Strength ${n}`);
    await card.getByLabel('Vulnerabilities and risks').fill(`Vulnerability ${n}`);
    await chat.choose(card, 'Risk of harm', risk);
    await chat.choose(card, 'Resilience', resilience);
    await card.getByLabel("The young person's own view").fill(`Their view ${n}`);
    await card.getByLabel('Next steps').fill(`Next ${n}`);
  };

  const onC = (n: number) => chat.card(`C ${n} of 10`);

  it('when a practitioner starts, goes through all ten Cs with back, skip and finish later, the bot restarts, and they resume, review, edit and complete, then nothing is lost and the cards stay in place', async () => {
    await chat.say('start');
    const cautions = await chat.card('New 10 Cs assessment: before you start');
    await chat.shoot(cautions, 'cautions');
    const cardsInChat = await chat.cards().count();
    await chat.press(cautions, 'I understand, continue');

    const setup = await chat.card('About this assessment');
    await setup.getByLabel('Case reference').fill('CR-31415');
    await chat.choose(setup, "Young person's age", '14 to 15');
    await setup.getByText('Young person', { exact: true }).click();
    await chat.shoot(setup, 'setup');
    await chat.press(setup, 'Save & next');

    let card = await onC(1);
    expect(await chat.cards().count()).toBe(cardsInChat);
    await chat.press(card, 'Show the guide for this C');
    await expect(card.getByText('Questions to explore with the young person and family').isVisible()).resolves.toBe(true);
    await answer(card, 1, 'Low', 'Some');
    await chat.shoot(card, 'c1');
    await chat.press(card, 'Save & next');

    card = await onC(2);
    await answer(card, 2, 'Medium', 'Low');
    await chat.press(card, 'Back');
    card = await onC(1);
    await expect(card.getByLabel('Strengths and protective factors').inputValue()).resolves.toBe('Strength 1');
    await chat.press(card, 'Save & next');
    card = await onC(2);
    await expect(card.getByLabel('Strengths and protective factors').inputValue()).resolves.toBe('Strength 2');
    await chat.press(card, 'Save & next');

    card = await onC(3);
    await chat.press(card, 'Skip');
    card = await onC(4);
    await answer(card, 4, 'High', 'Low');
    await chat.press(card, 'Save & finish later');
    await chat.shoot(await chat.card('Saved for later'), 'saved');

    // As Ctrl-C and npm start again would: a new bot process against the same Azurite.
    await stack.bot.restart();
    await chat.say('resume');
    card = await onC(4);
    // "resume" is typed, so its card is a new message; from here on, cards update in place again.
    const afterResume = await chat.cards().count();
    await expect(card.getByLabel('Strengths and protective factors').inputValue()).resolves.toBe('Strength 4');
    await expect(chosen(card, 'Risk of harm')).resolves.toBe('High');
    await chat.press(card, 'Save & next');

    for (let n = 5; n <= 9; n++) {
      card = await onC(n);
      await answer(card, n, n === 6 ? 'High' : 'Low', 'Strong');
      await chat.press(card, 'Save & next');
    }

    card = await onC(10);
    // The picture so far: each C of concern labels its Assessment Triangle input, the guide's suggestion pre-ticked.
    await expect(
      card
        .getByText(/C4 Content: risk high, resilience low/)
        .first()
        .isVisible(),
    ).resolves.toBe(true);
    await card.getByText('Domestic abuse', { exact: true }).click();
    await card.getByLabel('Your analysis: how do the risks combine?').fill('Contact and content risks add to each other');
    await chat.shoot(card, 'c10');
    await chat.press(card, 'Save & review');

    let review = await chat.card('Review your assessment');
    await chat.shoot(review, 'review');
    const text = await review.innerText();
    for (const n of [1, 2, 4, 5, 6, 7, 8, 9]) expect(text).toContain(`Strength ${n}`);
    expect(text).toMatch(/Skipped for now/);
    expect(text).toContain('Contact and content risks add to each other');

    await chat.press(review, 'Edit C2');
    card = await onC(2);
    await card.getByLabel('Strengths and protective factors').fill('Strength 2, edited');
    await chat.press(card, 'Save & back to review');
    review = await chat.card('Review your assessment');
    expect(await review.innerText()).toContain('Strength 2, edited');
    await chat.press(review, 'Complete');
    const done = await chat.card('Assessment complete');
    await chat.shoot(done, 'completed');
    expect(await chat.cards().count()).toBe(afterResume);

    await chat.say('my assessments');
    const list = await chat.card('Your assessments');
    await chat.shoot(list, 'list');
    expect(await list.innerText()).toContain('CR-31415');
    expect(chat.problems).toEqual([]);
  });
});
