import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestBot, type TestBot } from '../helpers/bot-harness.js';
import { repositoryFor } from '../helpers/bot-process.js';
import { checkPromise, drive, leakedText, post, Practitioner, seededRandom } from '../helpers/practitioner.js';

/** The check every reliability test relies on must itself be able to fail: these are its controls. */
describe('the promise check (controls)', () => {
  let bot: TestBot;
  let env: Record<string, string>;
  let practitioner: Practitioner;

  beforeAll(async () => {
    env = { TABLE_PREFIX: `ctl${Date.now().toString(36)}`, ENCRYPTION_KEYS: `ctl:${Buffer.alloc(32, 7).toString('base64')}`, RATE_LIMIT_BURST: '100000' };
    bot = await startTestBot(env);
    practitioner = new Practitioner('control', bot.connector, seededRandom(7));
    await drive(practitioner, (activity) => post(bot.url, bot.connector, activity));
  });
  afterAll(async () => {
    await bot.close();
  });

  const owner = () => ({ tenantId: practitioner.user.tenantId, aadObjectId: practitioner.user.aadObjectId });

  it('when nothing was disturbed, then it finds no problem', async () => {
    const repository = await repositoryFor(env, inject('tablesConnectionString'));
    expect(await checkPromise(repository, [practitioner])).toEqual([]);
  });

  it('when a confirmed answer is changed behind the bot, then it reports that step', async () => {
    const repository = await repositoryFor(env, inject('tablesConnectionString'));
    const stored = (await repository.get(owner(), practitioner.assessmentId!))!;
    const answers = { ...stored.assessment.answers, contact: { ...stored.assessment.answers.contact!, nextSteps: 'changed behind the bot' } };
    const etag = await repository.replace({ ...stored.assessment, answers }, stored.etag);
    expect((await checkPromise(repository, [practitioner])).join('\n')).toMatch(/contact holds neither/);
    await repository.replace(stored.assessment, etag);
  });

  it('when a second assessment exists for the practitioner, then it reports a duplicate', async () => {
    const repository = await repositoryFor(env, inject('tablesConnectionString'));
    const stored = (await repository.get(owner(), practitioner.assessmentId!))!;
    const copy = { ...stored.assessment, id: stored.assessment.id.replace(/^\d/, (d) => String((Number(d) + 1) % 10)) };
    await repository.create(copy);
    expect((await checkPromise(repository, [practitioner])).join('\n')).toMatch(/2 assessments stored/);
    expect(await repository.delete(owner(), copy.id)).toBe(true);
  });

  it('when a log line holds typed text, then it is found', () => {
    expect(leakedText(['{"msg":"ok"}', `{"text":"${practitioner.typed.at(-1)!.replace(/\n/g, '\\n')}"}`], [practitioner])).toHaveLength(1);
  });
});
