import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatDriver, MANAGER, PRACTITIONER, RESULTS_DIR, completeAssessment, startStack, type Stack } from '../helpers/e2e.js';

// Issue 4 as people meet it: a practitioner completes an assessment and shares it with their team; a manager,
// signed in to their own Teams client (a second Playground for the same tenant and team), sees the post in the
// team channel, acknowledges it and adds a supervision note, and the card updates in place.
describe('sharing to the team channel in the Agents Playground', () => {
  let stack: Stack;
  let practitioner: ChatDriver;
  let manager: ChatDriver;

  beforeAll(async () => {
    stack = await startStack('share');
    practitioner = await stack.open('practitioner', PRACTITIONER, [MANAGER]);
    // The manager's client installs tencs in the same team last, so posts to the team reach the manager's client.
    manager = await stack.open('manager', MANAGER, [PRACTITIONER]);
    // Teams tells a bot it is in a team when the team's channel is first opened; the bot remembers the team then.
    await manager.openConversation('Supervision');
    const deadline = Date.now() + 60_000;
    while (!readFileSync(path.join(RESULTS_DIR, 'share-bot.log'), 'utf8').includes('"event":"team.installed"')) {
      if (Date.now() > deadline) throw new Error('tencs was not told it is in the team within a minute');
      await new Promise((r) => setTimeout(r, 250));
    }
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** Ticks a supervisor among the team members the share card lists (the Playground has no typeahead people picker). */
  const pickSupervisor = async (card: Locator, name: string) => {
    await card.locator(`xpath=.//*[normalize-space(text())="${name}"]/ancestor::*[.//input[@type="checkbox"]][1]//input[@type="checkbox"]`).first().check();
  };

  it('when a completed assessment is shared naming the manager from the team members listed, then the channel post @mentions her and carries nothing the practitioner typed', async () => {
    const p = practitioner;
    const done = await completeAssessment(p, {
      caseRef: 'CR-27182',
      ageBand: '11 to 13',
      ratings: [
        ['High', 'Low'],
        ['Medium', 'Some'],
        ['Medium', 'Some'],
        ['High', 'Low'],
        ['High', 'Some'],
        ['High', 'Low'],
        ['Medium', 'Low'],
        ['Medium', 'Low'],
        ['None evident', 'Strong'],
      ],
      offlineFactor: "Young person's own mental health",
      analysis: 'The breach of confidentiality feeds the contact and conduct risks.',
    });

    await p.press(done, 'Summary and map');
    const summary = await p.card('Risk and resilience map');
    await p.shoot(summary, 'summary-preview');
    expect(await summary.innerText()).toMatch(/Risk of harm[\s\S]*Resilience[\s\S]*High[\s\S]*Low/);

    await p.press(summary, 'Share with my team');
    const chooseTeam = await p.card('Share with my team');
    await p.shoot(chooseTeam, 'share-choose');
    await chooseTeam.getByText('Safeguarding Team', { exact: true }).click();
    // The Playground has no typeahead people picker: the team's members are offered as plain choices too.
    await pickSupervisor(chooseTeam, 'Megan Bowen');
    await p.press(chooseTeam, 'Post to the team');
    const result = await p.card('Shared with your team');
    await p.shoot(result, 'share-result');

    const m = manager;
    await m.openConversation('Supervision');
    // The post @mentions the supervisor the practitioner named, so Teams notifies her.
    const mention = m.page.getByText('A 10 Cs summary was shared for', { exact: false }).last();
    await mention.waitFor();
    expect(await mention.innerText()).toContain('Megan Bowen');
    await m.page.screenshot({ path: path.join(RESULTS_DIR, 'share-manager-channel-post.png') });
    // Nothing the practitioner typed is anywhere in the channel.
    const channel = await m.page.locator('body').innerText();
    expect(channel).not.toMatch(/Their view \d|Strength \d|Vulnerability \d|breach of confidentiality/);
    // The Agents Playground 0.2.28 does not render a card that carries Universal Actions `refresh` at all (its log:
    // "User specific view is not supported yet"), so the short card and its "Show the summary" button, which
    // the bot tests drive through the loopback connector (test/bot/share-need-to-know.test.ts), cannot be
    // pressed here; in Teams the card shows under this message.
    expect([...practitioner.problems, ...manager.problems]).toEqual([]);
  });
});
