import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { assessmentIdFor } from '../../src/storage/assessment-repository.js';
import type { Assessment } from '../../src/tencs/assessment.js';
import { CONNECTOR_RETRY } from '../../src/tencs/connector-retry.js';
import { shareIdFor } from '../../src/tencs/sharing.js';
import { SALLY } from '../fixtures/assessments.js';
import { cardOf, cardText, execute, newUser, startTestBot, type TestBot } from '../helpers/bot-harness.js';
import { channelExecute, newTeam, teamUpdate, type TestChannel, type TestTeam } from '../helpers/channel.js';
import { isChannelPost, type ConnectorCall } from '../helpers/connector.js';

/** Longer than the share's whole connector budget, so the call is cut short by its abort signal. */
const LATE_MS = CONNECTOR_RETRY.budgetMs + 2000;
const TIMEOUT = 3 * LATE_MS;

const isPost = isChannelPost;
const isMemberLookup = (c: ConnectorCall) => c.method === 'GET' && c.path.includes('/members/');
const isUpdate = (c: ConnectorCall) => c.method === 'PUT';

describe('a Bot Connector that answers only after the time budget: the call is abandoned cleanly, nothing escapes, and the bot carries on', () => {
  let bot: TestBot;
  const practitioner = newUser('Pat Practitioner');
  const manager = newUser('Morgan Manager');
  // Whatever the abandoned call leaves behind (an 'error' emitted with no listener, a rejection nobody awaits)
  // lands here: in production, with no handler, either would end the process and every turn in flight.
  const escaped: { kind: string; error: unknown }[] = [];
  const onRejection = (error: unknown) => escaped.push({ kind: 'unhandledRejection', error });
  const onException = (error: unknown) => escaped.push({ kind: 'uncaughtException', error });

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtException', onException);
    bot = await startTestBot({ RATE_LIMIT_BURST: '1000' });
  });
  afterAll(async () => {
    await bot.close();
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  });
  beforeEach(() => {
    bot.connector.clearFaults();
    escaped.length = 0;
  });

  async function installedTeam(): Promise<TestTeam> {
    const team = newTeam(`Team ${randomUUID().slice(0, 4)}`);
    bot.connector.members(team.teamId, [practitioner.id, manager.id]);
    await bot.send(teamUpdate(bot, practitioner, team, 'added'));
    return team;
  }

  async function storeCompleted(): Promise<Assessment> {
    const a: Assessment = { ...SALLY, id: assessmentIdFor(randomUUID(), new Date()), tenantId: practitioner.tenantId, ownerId: practitioner.aadObjectId };
    await bot.deps.assessmentRepository.create(a);
    return a;
  }

  /** Waits past the late answer, so anything the abandoned request does when it finally comes has happened. */
  const afterTheLateAnswer = () => new Promise((resolve) => setTimeout(resolve, LATE_MS - CONNECTOR_RETRY.budgetMs + 500));

  it(
    'when Teams creates the channel post but answers only after the budget, then nothing escapes, the share is recorded as failed, the practitioner is told Teams did not answer in time, and Try again posts it',
    async () => {
      const team = await installedTeam();
      const a = await storeCompleted();
      const before = await bot.deps.assessmentRepository.get({ tenantId: practitioner.tenantId, aadObjectId: practitioner.aadObjectId }, a.id);
      bot.connector.clear();
      bot.connector.fail({ status: 201, delayMs: LATE_MS, body: { id: `${team.channelId};messageid=act-late`, activityId: 'act-late' }, match: isPost });
      const started = Date.now();
      const r = await bot.send(execute(bot, practitioner, VERBS.sharePost, { assessmentId: a.id, teamId: team.teamId, supervisors: manager.aadObjectId }));
      expect(Date.now() - started).toBeLessThan(LATE_MS);
      const text = cardText(cardOf(r));
      expect(text).toMatch(/Not shared yet/);
      expect(text).toMatch(/Teams didn't answer in time/);
      expect(text).toMatch(/Your assessment is safe and unchanged/);
      await afterTheLateAnswer();
      expect(escaped).toEqual([]);

      const shareId = shareIdFor(practitioner.tenantId, a.id, team.teamId);
      expect((await bot.deps.shares.get(practitioner.tenantId, shareId))?.share.status).toBe('failed');
      expect(await bot.deps.assessmentRepository.get({ tenantId: practitioner.tenantId, aadObjectId: practitioner.aadObjectId }, a.id)).toEqual(before);

      // The next turn is answered: Try again posts it, and the share is recorded where it went.
      const retry = await bot.send(execute(bot, practitioner, VERBS.sharePost, { assessmentId: a.id, teamId: team.teamId, supervisors: manager.aadObjectId }));
      expect(cardText(cardOf(retry))).toMatch(/Shared with your team/);
      const share = (await bot.deps.shares.get(practitioner.tenantId, shareId))!.share;
      expect(share.status).toBe('posted');
      expect(share.activityId).not.toBe('act-late');
      expect(bot.connector.calls.filter(isPost)).toHaveLength(2);
      expect(escaped).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'when the member check before posting is answered only after the budget, then nothing escapes, nothing is posted, and the practitioner is told Teams did not answer in time',
    async () => {
      const team = await installedTeam();
      const a = await storeCompleted();
      bot.connector.clear();
      bot.connector.fail({ status: 200, delayMs: LATE_MS, body: { id: practitioner.id, name: 'Member' }, match: isMemberLookup });
      const r = await bot.send(execute(bot, practitioner, VERBS.sharePost, { assessmentId: a.id, teamId: team.teamId, supervisors: manager.aadObjectId }));
      expect(cardText(cardOf(r))).toMatch(/Teams didn't answer in time/);
      await afterTheLateAnswer();
      expect(escaped).toEqual([]);
      expect(bot.connector.calls.filter(isPost)).toHaveLength(0);
      expect(await bot.deps.shares.get(practitioner.tenantId, shareIdFor(practitioner.tenantId, a.id, team.teamId))).toBeUndefined();

      const again = await bot.send(execute(bot, practitioner, VERBS.sharePost, { assessmentId: a.id, teamId: team.teamId, supervisors: manager.aadObjectId }));
      expect(cardText(cardOf(again))).toMatch(/Shared with your team/);
      expect(escaped).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'when the card update after an acknowledgement is answered only after the budget, then nothing escapes, the acknowledgement is recorded and returned, and the next acknowledgement updates the card',
    async () => {
      const team = await installedTeam();
      const a = await storeCompleted();
      await bot.send(execute(bot, practitioner, VERBS.sharePost, { assessmentId: a.id, teamId: team.teamId, supervisors: manager.aadObjectId }));
      const share = (await bot.deps.shares.get(practitioner.tenantId, shareIdFor(practitioner.tenantId, a.id, team.teamId)))!.share;
      expect(share.status).toBe('posted');
      const thread: TestChannel = { teamId: team.teamId, channelId: team.channelId, rootMessageId: share.activityId!, conversationId: share.conversationId! };
      bot.connector.clear();
      bot.connector.fail({ status: 200, delayMs: LATE_MS, body: { id: share.activityId }, match: isUpdate });
      const r = await bot.send(channelExecute(bot, manager, thread, VERBS.shareAck, { shareId: share.id }));
      expect(cardText(cardOf(r))).toMatch(/Acknowledged by one person:[\s\S]*Morgan Manager/);
      expect((await bot.deps.shares.entries(share)).acks.map((x) => x.authorName)).toEqual(['Morgan Manager']);
      await afterTheLateAnswer();
      expect(escaped).toEqual([]);

      bot.connector.clear();
      // Acknowledging again is still one acknowledgement, and the card is updated again.
      const next = await bot.send(channelExecute(bot, manager, thread, VERBS.shareAck, { shareId: share.id }));
      expect(cardText(cardOf(next))).toMatch(/Acknowledged by one person/);
      expect(bot.connector.calls.filter(isUpdate).map((c) => c.status)).toEqual([200]);
      expect(escaped).toEqual([]);
    },
    TIMEOUT,
  );
});
