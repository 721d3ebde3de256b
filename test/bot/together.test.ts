import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cardOf, cardText, execute, message, newUser, startTestBot, type TestBot, type TurnResult } from '../helpers/bot-harness.js';
import { actionOf, inputsOf, press } from '../helpers/card-driver.js';
import { startTableProxy, type TableProxy } from '../helpers/table-proxy.js';
import { youngWords, parentWords } from '../../src/tencs/together-words.js';
import { WORLD_HEADINGS } from '../../src/tencs/my-online-world.js';

type Card = Record<string, unknown>;
const CASE_REF = 'CR-TOGETHER-17';

describe('doing two Cs together with a young person, over real HTTP', () => {
  let bot: TestBot;
  let proxy: TableProxy;
  const user = newUser('Sam Practitioner');

  beforeAll(async () => {
    proxy = await startTableProxy(inject('azuritePort'));
    bot = await startTestBot({ TABLES_CONNECTION_STRING: proxy.connectionString });
  });
  afterAll(async () => {
    await bot.close();
    await proxy.close();
  });

  const go = async (result: Promise<TurnResult>): Promise<Card> => {
    const r = await result;
    expect(r.status).toBe(200);
    return cardOf(r);
  };

  it('when the practitioner opens the together view from C1, does C1 and C5 with the young person and parent, goes back and resumes, then every word is where it belongs and the shared card never showed the case', async () => {
    let card = await go(bot.send(message(bot, user, 'start')));
    card = await go(press(bot, user, card, 'tencs.cautions.ack'));
    card = await go(
      press(bot, user, card, 'tencs.step.next', { caseRef: CASE_REF, ageBand: '8-10', participants: 'young-person,parent-carer', assessedOn: '2026-11-30' }),
    );
    expect(cardText(card)).toContain('C 1 of 10');

    // The practitioner has typed on their own card, then opens the together view (the card's data plus its inputs, as Teams sends them).
    const practitionerTyped = {
      strengths: 'Practitioner strengths C1',
      vulnerabilities: 'Practitioner worries C1',
      risk: 'medium',
      resilience: 'some',
      nextSteps: 'Plan C1',
    };
    const ref = actionOf(card, 'tencs.step.next').data;
    card = await go(press(bot, user, card, 'tencs.together.open', practitionerTyped, 'Together view'));
    const c1Text = cardText(card);
    expect(c1Text).toContain(youngWords('confidentiality', '8-10').questions[0]!.text);
    expect(c1Text).toContain(parentWords('confidentiality').questions[0]!.text);
    for (const hidden of [CASE_REF, 'Practitioner strengths C1', 'Practitioner worries C1', 'Plan C1', 'Risk', 'risk'])
      expect(JSON.stringify(card)).not.toContain(hidden);
    expect(c1Text).not.toMatch(/\bMedium\b|Resilience/);

    // C1 in the young person's words, then on to C5 Contact.
    card = await go(
      press(bot, user, card, 'tencs.together.go', {
        youngPersonView: 'I share my drawings with my cousin',
        parentView: 'She asks before she posts',
        goTo: 'contact',
      }),
    );
    expect(cardText(card)).toContain(youngWords('contact', '8-10').title);
    expect(inputsOf(card).youngPersonView).toBe('');
    const oldContactCard = card;
    card = await go(press(bot, user, card, 'tencs.together.save', { youngPersonView: 'My gran helps me', parentView: 'Gran is great' }));
    expect(inputsOf(card).youngPersonView).toBe('My gran helps me');

    // A stale together card for the same C: a conflict, nothing lost, nothing written over.
    const stale = await go(press(bot, user, oldContactCard, 'tencs.together.save', { youngPersonView: 'Typed on the old card', parentView: '' }));
    expect(cardText(stale)).toMatch(/changed on another card or device/);
    expect(inputsOf(stale).youngPersonView).toBe('Typed on the old card');
    expect(cardText(stale)).toContain('My gran helps me');

    // Back to the practitioner's own card for C5: the words are there, with the case reference.
    card = await go(press(bot, user, card, 'tencs.together.back'));
    expect(cardText(card)).toContain('C 5 of 10');
    expect(cardText(card)).toContain(CASE_REF);
    expect(inputsOf(card)).toMatchObject({ youngPersonView: 'My gran helps me', parentView: 'Gran is great' });

    // Resume: the flow is still at C1, with the practitioner's and the young person's words.
    card = await go(bot.send(message(bot, user, 'resume')));
    expect(cardText(card)).toContain('C 1 of 10');
    expect(inputsOf(card)).toMatchObject({
      ...practitionerTyped,
      youngPersonView: 'I share my drawings with my cousin',
      parentView: 'She asks before she posts',
    });

    // My online world: choose what the young person said matters, show it, with no case reference or rating.
    const assessmentId = String(ref.assessmentId);
    expect(assessmentId).toMatch(/^\d{13}-/);
    let world = await go(bot.send(execute(bot, user, 'tencs.world.choose', { assessmentId })));
    expect(inputsOf(world)).toHaveProperty('pick_matters_contact');
    world = await go(press(bot, user, world, 'tencs.world.show', { pick_matters_contact: 'true', pick_strengths_confidentiality: 'true' }));
    const worldJson = JSON.stringify(world);
    expect(worldJson).toContain('My gran helps me');
    expect(worldJson).toContain(WORLD_HEADINGS.matters);
    expect(worldJson).toContain('Practitioner strengths C1');
    for (const hidden of [CASE_REF, 'Gran is great', 'Practitioner worries C1', 'Risk', 'risk']) expect(worldJson).not.toContain(hidden);
    expect(cardText(world)).not.toMatch(/\bMedium\b|Resilience/);
    const copied = await bot.send(execute(bot, user, 'tencs.world.copy', actionOf(world, 'tencs.world.copy').data));
    expect(copied.status).toBe(200);
    const text = copied.sent.map((a) => (a as { text?: string }).text ?? '').join('\n');
    expect(text).toContain('My online world');
    expect(text).toContain('My gran helps me');
    expect(text).not.toContain(CASE_REF);
  });

  it('when "consult contact for a 12-year-old" is typed, then the 11 to 13 words come back, and the band and consult buttons work', async () => {
    let card = await go(bot.send(message(bot, user, 'consult contact for a 12-year-old')));
    expect(cardText(card)).toContain(youngWords('contact', '11-13').questions[0]!.text);
    expect(cardText(card)).toMatch(/Nothing here is stored/);
    expect(inputsOf(card)).toEqual({});
    card = await go(press(bot, user, card, 'tencs.consult.together', {}, 'Under 8'));
    expect(cardText(card)).toContain(youngWords('contact', 'under-8').intro);
    card = await go(press(bot, user, card, 'tencs.consult.c'));
    expect(cardText(card)).toContain('C 5 of 10');
    card = await go(press(bot, user, card, 'tencs.consult.together'));
    expect(cardText(card)).toContain(youngWords('contact', '11-13').title);
    const forged = await go(bot.send(execute(bot, user, 'tencs.consult.together', { c: 'contact', band: 'over-90' })));
    expect(cardText(forged)).not.toContain(youngWords('contact', '11-13').title);
  });

  it('when someone else presses a together button with this assessment id, then nothing is saved and they are refused', async () => {
    let card = await go(bot.send(message(bot, user, 'start')));
    card = await go(press(bot, user, card, 'tencs.cautions.ack'));
    card = await go(
      press(bot, user, card, 'tencs.step.next', { caseRef: 'CR-OWN-1', ageBand: '14-15', participants: 'young-person', assessedOn: '2026-11-30' }),
    );
    const ref = actionOf(card, 'tencs.step.next').data;
    const other = newUser('Someone Else');
    const refused = await go(bot.send(execute(bot, other, 'tencs.together.save', { ...ref, youngPersonView: 'Not theirs to write' })));
    expect(cardText(refused)).toMatch(/can't open that assessment/);
    card = await go(bot.send(message(bot, user, 'resume')));
    expect(inputsOf(card).youngPersonView).toBe('');
  });
});
