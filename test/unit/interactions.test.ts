import { describe, expect, it } from 'vitest';
import { renderSummaryView } from '../../src/cards/share-cards.js';
import { VERBS } from '../../src/cards/verbs.js';
import { activityOf } from '../../src/interactions/activity.js';
import { dispatch } from '../../src/interactions/dispatch.js';
import { facts } from '../../src/interactions/facts.js';
import { buildInteractions } from '../../src/interactions/interactions.js';
import { createRateLimiter } from '../../src/interactions/rate-limiter.js';
import type { Reply } from '../../src/interactions/reply.js';
import type { Entry } from '../../src/interactions/table.js';
import { createLogger } from '../../src/log.js';
import { createMemoryStores } from '../../src/storage/memory/memory-stores.js';
import { AuditedAssessmentService } from '../../src/tencs/audited-assessment-service.js';
import { StorageUnavailableError } from '../../src/tencs/errors.js';
import { PrivacyService } from '../../src/tencs/privacy-service.js';
import { NOTE_RATE, ShareService, type ChannelPort } from '../../src/tencs/share-service.js';
import { TogetherService } from '../../src/tencs/together.js';
import { InMemoryReminderStore } from '../../src/storage/reminder-store.js';
import { loadCycleConfig } from '../../src/tencs/cycle/cycle-config.js';
import { CycleService } from '../../src/tencs/cycle/cycle-service.js';
import { ReassignService } from '../../src/tencs/cycle/reassign.js';
import { sameCaseRef } from '../../src/tencs/audit.js';

const log = createLogger('silent');

/** The connector is not part of these interactions; any call to it fails the test. */
const noConnector: ChannelPort = {
  isMember: () => Promise.reject(new Error('no connector in this test')),
  member: () => Promise.reject(new Error('no connector in this test')),
  listMembers: () => Promise.reject(new Error('no connector in this test')),
  post: () => Promise.reject(new Error('no connector in this test')),
  update: () => Promise.reject(new Error('no connector in this test')),
};

function tableOver(stores = createMemoryStores()) {
  const assessments = new AuditedAssessmentService(stores.assessments, stores.audit);
  const privacy = new PrivacyService(stores.retention, stores.assessments, stores.audit, { retentionDays: 90, auditRetentionDays: 365, queues: stores });
  const sharing = new ShareService({
    teams: stores.teams,
    shares: stores.shares,
    owned: assessments,
    lookup: stores.assessments,
    audit: stores.audit,
    port: noConnector,
    render: renderSummaryView,
    noteLimiter: createRateLimiter(NOTE_RATE),
  });
  return buildInteractions({
    assessments,
    together: new TogetherService(assessments),
    privacy,
    sharing,
    teams: stores.teams,
    isTeamMember: async () => false,
    limiter: createRateLimiter({ burst: 30, perMinute: 60 }),
    retention: { retentionDays: 90, auditRetentionDays: 800, caseRetentionDays: 396 },
    cycle: new CycleService(
      {
        ...stores.assessments,
        create: (a) => stores.assessments.create(a),
        get: (o, id) => stores.assessments.get(o, id),
        replace: (a, e) => stores.assessments.replace(a, e),
        listForCase: async (o, c) => (await stores.assessments.listAllForOwner(o)).filter((m) => sameCaseRef(m.caseRef, c)),
      },
      new InMemoryReminderStore(),
      {
        get: async () => undefined,
        offer: () => Promise.reject(new Error('no hand-over here')),
        withdraw: () => Promise.reject(new Error('no hand-over here')),
        accept: () => Promise.reject(new Error('no hand-over here')),
      },
      { send: async () => false },
      stores.audit,
      { keptUntil: async () => undefined, setKeptUntil: async () => undefined, warnedAt: async () => undefined, setWarnedAt: async () => undefined },
      loadCycleConfig({}),
    ),
    personalChats: { get: async () => undefined, put: async () => undefined },
    reassign: new ReassignService(
      { sharesForCaseRef: async () => [], get: async () => undefined },
      async () => 'unknown',
      { offer: () => Promise.reject(new Error('no hand-over here')), withdraw: () => Promise.reject(new Error('no hand-over here')) },
      { send: async () => false },
    ),
  });
}

const turn = (conversationType: string | undefined, extra: Record<string, unknown> = {}) =>
  facts(
    activityOf({
      type: 'invoke',
      id: `act-${Math.random()}`,
      from: { id: '29:u', aadObjectId: 'user-1', name: 'Pat' },
      conversation: { id: 'c1', ...(conversationType ? { conversationType } : {}), ...(conversationType === 'groupChat' ? { isGroup: true } : {}) },
      channelData: { tenant: { id: 'tenant-1' } },
      ...extra,
    }),
  );

const entryFor = (entries: readonly Entry[], key: string): Entry => {
  const found = entries.find((e) => (e.trigger.kind === 'verb' ? e.trigger.verb : e.trigger.command) === key);
  if (!found) throw new Error(`no entry for ${key}`);
  return found;
};

const textOf = (reply: Reply): string => JSON.stringify(reply);

describe('the interaction table, run with no SDK over the in-memory stores', () => {
  it('when every verb of the cards and every command is looked for, then each has exactly one entry', () => {
    const { entries } = tableOver();
    for (const verb of Object.values(VERBS))
      expect(
        entries.filter((e) => e.trigger.kind === 'verb' && e.trigger.verb === verb),
        verb,
      ).toHaveLength(1);
    const commands = entries.flatMap((e) => (e.trigger.kind === 'command' ? [e.trigger.command] : []));
    expect(new Set(commands).size).toBe(commands.length);
    expect(commands.sort()).toEqual([
      'audit',
      'cautions',
      'changes',
      'compare',
      'consult',
      'delete',
      'export',
      'hand-over',
      'help',
      'list',
      'practice-example',
      'reassess',
      'reassign',
      'reminders',
      'resume',
      'standards',
      'start',
    ]);
  });

  it('when an assessment is started in personal chat, then a card comes back; in a group chat, then it is refused with the catalogue key and nothing is stored', async () => {
    const stores = createMemoryStores();
    const { entries } = tableOver(stores);
    const start = entryFor(entries, VERBS.start);
    const ok = await dispatch(start, turn('personal'), {}, log);
    expect(ok.kind).toBe('card');
    const refused = await dispatch(start, turn('groupChat'), {}, log);
    expect(refused).toMatchObject({ kind: 'refusal', key: 'assessmentPersonalOnly' });
    expect(textOf(refused)).toContain('Assessments stay in our personal chat');
    expect(await stores.assessments.listForOwner({ tenantId: 'tenant-1', aadObjectId: 'user-1' })).toHaveLength(1);
  });

  it('when card data is malformed, or the sender is unknown, then each is refused with its own key', async () => {
    const { entries } = tableOver();
    const open = entryFor(entries, VERBS.open);
    expect(await dispatch(open, turn('personal'), { assessmentId: '../../etc' }, log)).toMatchObject({ kind: 'refusal', key: 'staleCard' });
    expect(await dispatch(open, turn('personal', { from: { id: '29:u' } }), { assessmentId: '1234567890123-abcdefghijkl' }, log)).toMatchObject({
      kind: 'refusal',
      key: 'noOwner',
    });
  });

  it("when someone else's or a missing assessment is opened, then the not-found refusal comes back as a card", async () => {
    const { entries } = tableOver();
    const reply = await dispatch(entryFor(entries, VERBS.open), turn('personal'), { assessmentId: '1234567890123-abcdefghijkl' }, log);
    expect(reply).toMatchObject({ kind: 'refusal', key: 'assessmentNotFound' });
    expect(reply.kind === 'refusal' && reply.card !== undefined).toBe(true);
    expect(textOf(reply)).toContain('each practitioner can only open their own');
  });

  it('when storage does not answer, then the one storage-down wording comes back, and another error is not swallowed', async () => {
    const stores = createMemoryStores();
    const down = { ...stores, assessments: { ...stores.assessments, listForOwner: () => Promise.reject(new StorageUnavailableError('down', 503)) } };
    const { entries } = tableOver(down);
    const reply = await dispatch(entryFor(entries, 'list'), turn('personal'), '', log);
    expect(reply).toMatchObject({ kind: 'refusal', key: 'storageDown' });
    expect(textOf(reply)).toContain('reach storage just now');
    const broken = { ...stores, assessments: { ...stores.assessments, listForOwner: () => Promise.reject(new TypeError('a bug')) } };
    await expect(dispatch(entryFor(tableOver(broken).entries, 'list'), turn('personal'), '', log)).rejects.toThrow('a bug');
  });

  it('when a privacy command has no case reference, then it says what to type; in a channel, then it is refused as words', async () => {
    const { entries } = tableOver();
    const del = entryFor(entries, 'delete');
    expect(await dispatch(del, turn('personal'), 'not a ref!!', log)).toMatchObject({
      kind: 'message',
      // expect.stringContaining is typed `any` by vitest; it is an asymmetric matcher, not a value.
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment
      text: expect.stringContaining('Type delete followed by the case reference'),
    });
    expect(await dispatch(del, turn('channel'), 'CR-1', log)).toEqual({ kind: 'refusal', key: 'privacyPersonalOnly' });
  });
});
