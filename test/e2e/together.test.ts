import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatDriver, MANAGER, PRACTITIONER, startStack, type Stack } from '../helpers/e2e.js';

// Issue 17 as a practitioner meets it in the Agents Playground: two Cs done together with a 12-year-old and a
// parent on a shared screen, back to the practitioner's card, review, complete, case record, My online world.
describe('doing the 10 Cs together in the Agents Playground', () => {
  let stack: Stack;
  let chat: ChatDriver;

  beforeAll(async () => {
    stack = await startStack('together');
    chat = await stack.open('practitioner', PRACTITIONER, [MANAGER]);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const CASE_REF = 'CR-27182';
  const YOUNG = {
    c1: 'I post my drawings but only my friends can see them',
    c2: 'My best mate from football helps me when games get mean',
  };
  const PARENT = { c1: 'We set her account to private together', c2: 'I know who her friends are online' };
  const PRACTITIONER_TEXT = {
    strengths: 'Practitioner note: uses privacy settings well',
    vulnerabilities: 'Practitioner note: shares school name',
    next: 'Show her how to report a post',
  };

  /** What must never be on a together card or My online world, whatever else is typed. */
  const expectNothingPrivate = (text: string) => {
    expect(text).not.toContain(CASE_REF);
    expect(text).not.toContain(PRACTITIONER_TEXT.strengths);
    expect(text).not.toContain(PRACTITIONER_TEXT.vulnerabilities);
    expect(text).not.toMatch(/risk of harm|resilience|\b(high|medium|low)\b|vulnerab|safeguard|case ref/i);
  };

  it('when a practitioner opens the together view for two Cs and the young person and parent type their words, they land in the right C, nothing private is on screen, and review, case record and My online world carry them', async () => {
    await chat.say('start');
    await chat.press(await chat.card('New 10 Cs assessment: before you start'), 'I understand, continue');

    const setup = await chat.card('About this assessment');
    await setup.getByLabel('Case reference').fill(CASE_REF);
    await chat.choose(setup, "Young person's age", '11 to 13');
    await setup.getByText('Young person', { exact: true }).click();
    await setup.getByText('Parent or carer', { exact: true }).click();
    await chat.press(setup, 'Save & next');

    // The practitioner's own card for C1, with their judgement and notes typed but not yet saved.
    let card = await chat.card('C 1 of 10');
    await card.getByLabel('Strengths and protective factors').fill(PRACTITIONER_TEXT.strengths);
    await card.getByLabel('Vulnerabilities and risks').fill(PRACTITIONER_TEXT.vulnerabilities);
    await chat.choose(card, 'Risk of harm', 'Medium');
    await chat.choose(card, 'Resilience', 'Strong');
    await card.getByLabel('Next steps: what will be done').fill(PRACTITIONER_TEXT.next);
    await chat.press(card, 'Together view');

    // Together view, C1: the young person's questions in large text, their box and the parent's box.
    let together = await chat.card('Sharing and privacy');
    let text = await together.innerText();
    expect(text).toContain('Topic 1 of 10');
    expect(text).toContain('What do you share about yourself online? Where, and who can see it?');
    expect(text).toContain('For your parent or carer');
    expectNothingPrivate(text);
    await together.getByLabel('What you say, in your own words').fill(YOUNG.c1);
    await together.getByLabel('What your parent or carer says').fill(PARENT.c1);
    await chat.shoot(together, 'together-c1');
    await chat.choose(together, 'Talk about another topic', 'Friends and support');
    await chat.press(together, 'Save & go to topic');

    // Together view, C2, straight from C1: empty boxes of its own.
    together = await chat.card('Friends and support');
    text = await together.innerText();
    expect(text).toContain('Topic 2 of 10');
    expectNothingPrivate(text);
    await expect(together.getByLabel('What you say, in your own words').inputValue()).resolves.toBe('');
    await together.getByLabel('What you say, in your own words').fill(YOUNG.c2);
    await together.getByLabel('What your parent or carer says').fill(PARENT.c2);
    await chat.shoot(together, 'together-c2');
    await chat.press(together, 'Save & back to my card');

    // Back on the practitioner's card for C2: the words are in its own boxes.
    card = await chat.card('C 2 of 10');
    await expect(card.getByLabel("The young person's own view").inputValue()).resolves.toBe(YOUNG.c2);
    await expect(card.getByLabel("The parent or carer's view").inputValue()).resolves.toBe(PARENT.c2);
    await chat.press(card, 'Back');

    // C1 kept both what the practitioner typed before switching and what the young person said.
    card = await chat.card('C 1 of 10');
    await expect(card.getByLabel('Strengths and protective factors').inputValue()).resolves.toBe(PRACTITIONER_TEXT.strengths);
    await expect(card.getByRole('combobox', { name: 'Risk of harm', exact: true }).inputValue()).resolves.toBe('Medium');
    await expect(card.getByLabel("The young person's own view").inputValue()).resolves.toBe(YOUNG.c1);
    await expect(card.getByLabel("The parent or carer's view").inputValue()).resolves.toBe(PARENT.c1);
    await chat.press(card, 'Save & next');

    card = await chat.card('C 2 of 10');
    await card.getByLabel('Strengths and protective factors').fill('Has a trusted friend');
    await chat.choose(card, 'Risk of harm', 'Low');
    await chat.choose(card, 'Resilience', 'Strong');
    await chat.press(card, 'Save & next');
    for (let n = 3; n <= 9; n++) await chat.press(await chat.card(`C ${n} of 10`), 'Skip for now');
    await chat.press(await chat.card('C 10 of 10'), 'Save & review');

    const review = await chat.card('Review your assessment');
    const reviewText = await review.innerText();
    const c1At = reviewText.indexOf(YOUNG.c1);
    const c2At = reviewText.indexOf(YOUNG.c2);
    expect(c1At).toBeGreaterThan(reviewText.indexOf('C1 '));
    expect(c2At).toBeGreaterThan(reviewText.indexOf('C2 '));
    expect(c2At).toBeLessThan(reviewText.indexOf('C3 '));
    expect(c1At).toBeLessThan(reviewText.indexOf('C2 '));
    expect(reviewText).toContain(PARENT.c1);
    await chat.press(review, 'Complete');

    const done = await chat.card('Assessment complete');
    await chat.shoot(done, 'completed');
    await chat.press(done, 'Copy for case record');
    const record = chat.page.getByText("The young person's and family's views").last();
    await record.waitFor();
    const recordText = await record.innerText();
    expect(recordText).toMatch(new RegExp(`Confidentiality:\\s*- Young person: ${YOUNG.c1}\\s*- Parent or carer: ${PARENT.c1}`));
    expect(recordText).toMatch(new RegExp(`Connection:\\s*- Young person: ${YOUNG.c2}\\s*- Parent or carer: ${PARENT.c2}`));

    // My online world: the practitioner chooses, the young person sees only what was chosen.
    await chat.press(await chat.card('Assessment complete'), 'My online world');
    const pick = await chat.card('Choose what goes on My online world');
    await chat.shoot(pick, 'world-choose');
    await pick.getByRole('checkbox', { name: /Strengths, Friends and support/ }).check();
    await pick.getByRole('checkbox', { name: /Young person's own view, Sharing and privacy/ }).check();
    await pick.getByRole('checkbox', { name: /Young person's own view, Friends and support/ }).check();
    await pick.getByRole('checkbox', { name: /Next steps, Sharing and privacy/ }).check();
    await chat.press(pick, 'Show My online world');
    const world = await chat.card(/^My online world$/);
    await chat.shoot(world, 'my-online-world');
    const worldText = await world.innerText();
    expect(worldText).toContain('Things I am good at');
    expect(worldText).toContain('Has a trusted friend');
    expect(worldText).toContain(YOUNG.c1);
    expect(worldText).toContain(YOUNG.c2);
    expect(worldText).toContain(PRACTITIONER_TEXT.next);
    expect(worldText).not.toContain(PARENT.c1);
    expectNothingPrivate(worldText);

    // From consult, with no assessment: a 16-year-old's words for contact, then an under-8's.
    await chat.say('consult contact for a 16-year-old');
    let words = await chat.card('The people you talk to');
    await chat.shoot(words, 'consult-contact-16-17');
    expect(await words.innerText()).toContain('Did you feel free to say no?');
    await chat.press(words, 'Under 8');
    words = await chat.card('People I talk to');
    await chat.shoot(words, 'consult-contact-under-8');
    const under8 = await words.innerText();
    expect(under8).toContain('Has anyone asked you to keep a secret from your grown-ups?');
    expect(under8).toContain('A grown-up can read these out loud');
    expect(chat.problems).toEqual([]);
  });
});
