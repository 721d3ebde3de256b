import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, instantOf, nextWorkingTime } from '../../src/tencs/cycle/working-time.js';
import { COLLEAGUE, ChatDriver, MANAGER, PRACTITIONER, RESULTS_DIR, completeAssessment, startStack, type Stack } from '../helpers/e2e.js';

// Issue 16 as a new practitioner meets it in the Agents Playground: complete an assessment; three months
// on (the clock moved) the review reminder arrives in their personal chat; they reassess from it with two
// changes, see the comparison name both, and hand the case to a colleague signed in to her own Teams
// client (a second Playground against the same bot), who accepts and finds it in her list.
//
// The bot runs in this process on a clock the test moves (startClockedBot); its reminder job ticks every
// half second on that clock, as index.ts runs it every JOB_TICK_MS. The Playground's people picker sends
// its own user ids, not Entra object ids, so the hand-over card's typed fallback is used in the end. The
// Playground records the 1:1 chat a bot creates for someone else but shows nothing posted with it, and a
// second Playground is a separate client, so the colleague opens tencs once first (as the card asks),
// which gives tencs her personal chat to send the offer to.
describe('the case over time in the Agents Playground', () => {
  const DAY = 86_400_000;
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  let stack: Stack;
  let practitioner: ChatDriver;

  beforeAll(async () => {
    stack = await startStack('case-over-time', clock);
    practitioner = await stack.open('practitioner', PRACTITIONER, [MANAGER]);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** Moves the clock to `at`, then waits until the reminder job has run on it (one more "job.completed" in the bot's log). */
  const moveClockTo = async (at: Date) => {
    const log = path.join(RESULTS_DIR, 'case-over-time-bot.log');
    const runs = () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l.includes('"event":"job.completed"') && l.includes('"job":"reminders"')).length;
    const before = runs();
    offset = at.getTime() - Date.now();
    await expect.poll(runs, { timeout: 30_000 }).toBeGreaterThan(before);
  };

  const CASE_REF = 'CR-16180';
  const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

  it('when a practitioner completes, is reminded on the review date, reassesses with two changes, compares and hands the case over, then the colleague who accepts owns it and the practitioner no longer sees it', async () => {
    const p = practitioner;
    // 1. The first assessment. C1: risk high; C4: resilience low.
    const done = await completeAssessment(p, {
      caseRef: CASE_REF,
      ageBand: '14 to 15',
      ratings: [
        ['High', 'Low'],
        ['Medium', 'Some'],
        ['Low', 'Some'],
        ['Medium', 'Low'],
        ['Low', 'Strong'],
        ['Medium', 'Some'],
        ['Low', 'Some'],
        ['None evident', 'Strong'],
        ['Low', 'Strong'],
      ],
      offlineFactor: 'Domestic abuse',
      analysis: 'Contact and conduct risks add to each other.',
    });
    await p.shoot(done, 'completed');
    // The review date as the card says it, e.g. "Review date: 3 March 2027." (the default, about three months on).
    const said = /Review date: (\d{1,2}) ([A-Z][a-z]+) (\d{4})\./.exec(await done.innerText());
    expect(said).not.toBeNull();
    const [, day, month, year] = said as unknown as [string, string, string, string];
    const reviewOn = `${year}-${String(MONTHS.indexOf(month) + 1).padStart(2, '0')}-${day.padStart(2, '0')}`;
    expect(reviewOn).toMatch(/^\d{4}-(0[1-9]|1[0-2])-\d{2}$/);
    const firstDay = clock().toISOString().slice(0, 10);
    expect(reviewOn > addDays(firstDay, 80)).toBe(true);
    // A first assessment has nothing to compare with.
    await expect(done.getByRole('button', { name: 'Compare over time' }).count()).resolves.toBe(0);

    // 2. The day before the review date the reminder job runs and sends nothing; on the day, the reminder comes.
    const reviewMorning = nextWorkingTime(instantOf(reviewOn, 10 * 60, 'Europe/London'));
    await moveClockTo(new Date(reviewMorning.getTime() - DAY));
    await expect(p.page.getByText('Review date reached').count()).resolves.toBe(0);
    await moveClockTo(reviewMorning);
    const reminder = await p.card('Review date reached');
    await p.shoot(reminder, 'reminder');
    const reminderText = await reminder.innerText();
    expect(reminderText).toContain(`The review date for case ${CASE_REF} was`);
    expect(reminderText).toContain('reassess to see what has changed since');
    for (const title of ['Reassess', 'Snooze to next working day', 'Snooze for a week', 'Turn off reminders'])
      await expect(reminder.getByRole('button', { name: title, exact: true }).isVisible(), title).resolves.toBe(true);

    // 3. Reassess from the reminder: every C opens with the last answers, marked until confirmed. Two changes.
    await p.press(reminder, 'Reassess');
    await p.press(await p.card(/before you start/), 'I understand, continue');
    const setup = await p.card('About this assessment');
    await expect(setup.getByLabel('Case reference').inputValue()).resolves.toBe(CASE_REF);
    await p.press(setup, 'Save & next');
    for (let n = 1; n <= 9; n++) {
      const card = await p.card(`C ${n} of 10`);
      const text = await card.innerText();
      expect(text, `C${n}`).toMatch(/From the assessment of \d{1,2} [A-Z][a-z]+ \d{4}: confirm or change/);
      await expect(card.getByLabel('Strengths and protective factors').inputValue()).resolves.toBe(`Strength ${n}`);
      if (n === 1) await p.choose(card, 'Risk of harm', 'Low');
      if (n === 4) await p.choose(card, 'Resilience', 'Strong');
      if (n === 1) await p.shoot(card, 'reassess-c1');
      await p.press(card, 'Save & next');
    }
    await p.press(await p.card('C 10 of 10'), 'Save & review');
    await p.press(await p.card('Review your assessment'), 'Complete');
    const second = await p.card('Assessment complete');

    // 4. The comparison names the two changes in words, and only those.
    await p.press(second, 'Compare over time');
    const compare = await p.card('The case over time');
    await p.shoot(compare, 'compare');
    const compared = await compare.innerText();
    expect(compared).toMatch(/The 2 most recent assessments, oldest first: /);
    expect(compared).toMatch(/C1 [^\n]+\n[\s\S]*?Since the last assessment: risk lower; resilience the same/);
    expect(compared).toMatch(/C4 [^\n]+\n[\s\S]*?Since the last assessment: risk the same; resilience higher/);
    expect(compared.match(/\b(higher|lower)\b/g)).toHaveLength(2);

    // 5. The colleague opens tencs in her own Teams client first, so tencs has her personal chat.
    const colleague = await stack.open('colleague', COLLEAGUE, [PRACTITIONER, MANAGER]);
    await colleague.card('tencs: the 10 Cs online risk and resilience assessment');

    // 6. Hand over (the comparison took the completed card's place, so typed). The Playground shows the people
    // picker as a list of its mock tenant's users, but what it sends for a name is the Playground's own user id
    // ("user-id-colleague-1"), where Teams sends the Entra object id: tencs refuses anything but an object id,
    // kindly, and the practitioner types the id in the box beneath the picker.
    await p.say(`hand over ${CASE_REF}`);
    let choose = await p.card('Hand over a case to a colleague');
    await p.shoot(choose, 'hand-over-choose');
    expect(await choose.innerText()).toContain(`${CASE_REF}: 2 assessments`);
    await choose.getByRole('combobox', { name: 'People Picker' }).click();
    await p.page.keyboard.type('Adele');
    await p.page
      .getByRole('option', { name: /Adele Vance/ })
      .first()
      .click();
    await expect(choose.getByRole('list', { name: 'Selected contacts' }).innerText()).resolves.toContain(COLLEAGUE.name);
    await p.press(choose, 'Offer to colleague');
    expect(await (await p.card('Choose a colleague')).innerText()).toContain('type their Microsoft Entra object id');
    await p.say(`hand over ${CASE_REF}`);
    choose = await p.card('Hand over a case to a colleague');
    await choose.getByLabel(/Microsoft Entra object id/).fill(COLLEAGUE.aadObjectId);
    await p.press(choose, 'Offer to colleague');
    const sent = await p.card('Hand-over offered');
    await p.shoot(sent, 'hand-over-sent');
    expect(await sent.innerText()).toContain(CASE_REF);

    // 7. The offer is in the colleague's personal chat; she accepts and finds the case in her list.
    const offer = await colleague.card('A colleague is handing an assessment to you');
    await colleague.shoot(offer, 'hand-over-offer');
    expect(await offer.innerText()).toContain(CASE_REF);
    await colleague.press(offer, 'Accept');
    const accepted = await colleague.card('The case is yours now');
    expect(await accepted.innerText()).toContain(`The 2 assessments of case ${CASE_REF} moved to you`);
    const hers = await colleague.ask('my assessments');
    await colleague.shoot(hers, 'colleague-list');
    expect(await hers.innerText()).toContain('Your assessments');
    expect((await hers.innerText()).split(CASE_REF)).toHaveLength(3);

    // 8. The practitioner no longer sees it.
    const mine = await p.ask('my assessments');
    const mineText = await mine.innerText();
    expect(mineText).toContain('Your assessments');
    expect(mineText).not.toContain(CASE_REF);
    expect(mineText).toContain('You have no assessments yet');
    // Her acceptance closed the offer: the practitioner's "Take back" on it changes nothing.
    await p.press(sent, 'Take back');
    expect(await (await p.card('Nothing was changed')).innerText()).toContain('This hand-over was already accepted.');
    expect([...p.problems, ...colleague.problems]).toEqual([]);
  });
});
