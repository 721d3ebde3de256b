import { renderListCard, renderNoticeCard, renderOutcome, renderSavedCard, renderCompletedCard, renderStepCard } from '../../src/cards/assessment-cards.js';
import { cautionsData, changesData, consultCData, consultListData, practiceExampleData, standardsData } from '../../src/cards/consult-cards.js';
import { renderCard, type AdaptiveCardJson } from '../../src/cards/render.js';
import { renderWelcomeCard } from '../../src/cards/welcome-card.js';
import { renderSummaryCard } from '../../src/cards/summary-cards.js';
import {
  renderAuditCards,
  renderDeleteAllConfirmCard,
  renderDeleteConfirmCard,
  renderExportCards,
  renderPrivacyNotice,
} from '../../src/cards/privacy-cards.js';
import { assessmentSections } from '../../src/tencs/case-export.js';
import { renderShareChoose, renderShareResult, renderSummaryView } from '../../src/cards/share-cards.js';
import { ConnectorFailure } from '../../src/tencs/connector-retry.js';
import { labelTeams, type ShareOutcome } from '../../src/tencs/share-service.js';
import { NOTE_MAX_CHARS, type Share, type TeamRef } from '../../src/tencs/sharing.js';
import { LIMITS, type Assessment, type Step } from '../../src/tencs/assessment.js';
import type { Mode } from '../../src/tencs/assessment-service.js';
import { PRACTICE_EXAMPLE } from '../../src/tencs/consult.js';
import { formFromAssessment, type FormStep } from '../../src/tencs/step-forms.js';
import { summarise } from '../../src/tencs/summary.js';
import { supervisionPrompts } from '../../src/tencs/supervision-prompts.js';
import { C_IDS, TEN_CS, getC } from '../../src/tencs/ten-cs.js';
import { atLimits } from '../fixtures/assessments.js';
import { renderConsultTogether, renderTogether } from '../../src/cards/together-cards.js';
import { renderMyOnlineWorld, renderWorldChoose } from '../../src/cards/my-online-world-cards.js';
import { WORLD_KINDS, pickId } from '../../src/tencs/my-online-world.js';
import { AGE_BANDS } from '../../src/tencs/assessment.js';
import { cycleSamples } from './cycle-card-samples.js';

const ID = '8276543210987-abcdefghijkl';

/** An in-progress assessment with every text field at its limit (in `char`), the given step current. */
export function inProgressAtLimits(step: Step = 'review', char = 'x'): Assessment {
  const { completedAt: _done, ...a } = atLimits(char);
  return {
    ...a,
    id: ID,
    status: 'in-progress',
    step,
    setup: { ...a.setup!, participantsOther: char.repeat(LIMITS.otherText), participants: ['young-person', 'parent-carer', 'other-family', 'professional'] },
  };
}

const ERRORS = [
  'Case reference can only use letters, digits and dashes (no spaces, no names).',
  'Strengths and protective factors can be at most 2000 characters. It is 2001 now; please shorten it (your text is still in the box).',
];

function stepCards(a: Assessment, step: Step): AdaptiveCardJson[] {
  return (['flow', 'review'] as Mode[]).flatMap((mode) => [
    renderStepCard({ ref: { assessmentId: a.id, rev: a.rev, step, mode }, assessment: a }),
    renderStepCard({ ref: { assessmentId: a.id, rev: a.rev, step, mode }, assessment: a, errors: ERRORS, notice: 'A notice in our words.' }),
  ]);
}

/** A conflict where every field differs and both sides are at their limits. */
function conflictCard(step: FormStep, char = 'x'): AdaptiveCardJson {
  const stored = inProgressAtLimits(step, char);
  const mineFrom = inProgressAtLimits(step, char === 'x' ? 'y' : char);
  const mine = formFromAssessment(mineFrom, step);
  if (step !== 'setup') Object.assign(mine, { risk: 'low', resilience: 'low', offlineFactors: step === 'composite' ? 'neglect' : '' });
  return renderOutcome({ kind: 'conflict', assessment: stored, step, mode: 'flow', action: 'next', mine });
}

/**
 * Sample renderings of every template in cards/, with every text field at its limit where the card
 * shows practitioners' text. A template missing here fails the card tests: add its samples.
 */
export const CARD_SAMPLES: Readonly<Record<string, () => AdaptiveCardJson[]>> = {
  welcome: () => [
    renderWelcomeCard({ retentionDays: 3650, auditRetentionDays: 3650, caseRetentionDays: 3650 }, { personal: true }),
    renderWelcomeCard({ retentionDays: 90, auditRetentionDays: 800, caseRetentionDays: 396 }, { personal: false }),
  ],
  cautions: () => stepCards(inProgressAtLimits('cautions'), 'cautions'),
  setup: () => stepCards(inProgressAtLimits('setup'), 'setup'),
  'c-step': () => C_IDS.filter((id) => id !== 'composite').flatMap((id) => stepCards(inProgressAtLimits(id), id)),
  'composite-step': () => [
    ...stepCards(inProgressAtLimits('composite'), 'composite'),
    ...stepCards({ ...inProgressAtLimits('composite'), answers: {} }, 'composite'),
  ],
  review: () => stepCards(inProgressAtLimits('review'), 'review'),
  completed: () => [renderCompletedCard({ ...atLimits(), id: ID })],
  saved: () => [renderSavedCard(inProgressAtLimits('contact')), renderSavedCard({ ...inProgressAtLimits('setup'), setup: undefined })],
  'my-assessments': () => [
    renderListCard([]),
    renderListCard(
      Array.from({ length: 10 }, (_, i) => ({
        id: ID,
        caseRef: i === 0 ? undefined : 'R'.repeat(LIMITS.caseRef),
        status: i % 2 ? 'completed' : 'in-progress',
        step: i % 2 ? 'complete' : 'contact',
        rev: 3,
        createdAt: '2024-05-01T10:00:00.000Z',
        updatedAt: '2024-05-02T11:12:13.456Z',
        completedAt: undefined,
      })),
    ),
  ],
  notice: () => [renderNoticeCard('A title', 'A message in our own words.')],
  conflict: () => [conflictCard('setup'), ...C_IDS.map((id) => conflictCard(id))],
  'consult-list': () => [
    renderCard('consult-list', consultListData()),
    renderCard('consult-list', consultListData({ query: 'q'.repeat(200), suggestions: [getC('contact')] })),
  ],
  'consult-c': () => TEN_CS.map((c) => renderCard('consult-c', consultCData(c))),
  together: () => [
    ...C_IDS.flatMap((c) =>
      AGE_BANDS.map((band, i) =>
        renderTogether({
          kind: 'together',
          ref: { assessmentId: ID, rev: 9, step: c, mode: 'flow' },
          c,
          band,
          withParent: i % 2 === 0,
          form: { youngPersonView: 'y'.repeat(LIMITS.answerText), parentView: 'p'.repeat(LIMITS.answerText) },
          errors: ERRORS,
          notice: 'A notice in our words.',
          saved: { youngPersonView: 's'.repeat(LIMITS.answerText), parentView: 't'.repeat(LIMITS.answerText) },
        }),
      ),
    ),
    ...C_IDS.flatMap((c) => AGE_BANDS.map((band) => renderConsultTogether(c, band))),
  ],
  'my-online-world-choose': () => [
    renderWorldChoose(inProgressAtLimits('review')),
    renderWorldChoose(inProgressAtLimits('review'), new Set(C_IDS.map((c) => pickId('strengths', c)))),
    renderWorldChoose({ ...inProgressAtLimits('review'), answers: {} }),
  ],
  'my-online-world': () => [
    renderMyOnlineWorld(inProgressAtLimits('review'), new Set(WORLD_KINDS.flatMap((k) => C_IDS.map((c) => pickId(k, c))))),
    renderMyOnlineWorld(inProgressAtLimits('review', '€'), new Set(WORLD_KINDS.flatMap((k) => C_IDS.map((c) => pickId(k, c))))),
    renderMyOnlineWorld(inProgressAtLimits('review'), new Set([pickId('matters', 'contact')])),
    renderMyOnlineWorld(inProgressAtLimits('review'), new Set()),
  ],
  'consult-cautions': () => [renderCard('consult-cautions', cautionsData())],
  'consult-changes': () => [renderCard('consult-changes', changesData())],
  'consult-standards': () => [renderCard('consult-standards', standardsData())],
  'consult-practice-example': () =>
    Array.from({ length: PRACTICE_EXAMPLE.steps.length + 1 }, (_, i) => renderCard('consult-practice-example', practiceExampleData(i))),
  summary: () => {
    const s = summarise(atLimits());
    return [renderSummaryCard(s, supervisionPrompts(s), { kind: 'preview', assessmentId: ID }), ...shareSamples().channelSummary()];
  },
  ...shareSamples().templates,
  'privacy-export': () =>
    renderExportCards({
      caseRef: 'L'.repeat(LIMITS.caseRef),
      sections: [...assessmentSections({ ...atLimits(), id: ID }), ...assessmentSections(inProgressAtLimits('contact'))],
    }),
  'privacy-audit': () =>
    renderAuditCards(
      {
        caseRef: 'L'.repeat(LIMITS.caseRef),
        entries: Array.from({ length: 400 }, (_, i) => ({
          at: '2024-05-02T11:12:13.000Z',
          actorTenantId: 't',
          actorId: i % 2 ? 'someone-else' : 'me',
          action: i % 3 ? 'viewed' : 'refused',
          assessmentId: ID,
          caseRef: 'L'.repeat(LIMITS.caseRef),
          detail: 'contact',
        })),
      },
      { tenantId: 't', aadObjectId: 'me' },
    ),
  'privacy-delete-confirm': () => [renderDeleteConfirmCard({ ...atLimits(), id: ID })],
  'privacy-delete-all-confirm': () => [renderDeleteAllConfirmCard(100_000)],
  'privacy-notice': () => [
    renderPrivacyNotice('A title', 'A message in our own words.', 'L'.repeat(LIMITS.caseRef)),
    renderPrivacyNotice('A title', 'A message.'),
  ],
  ...cycleSamples(),
};

/** Sharing cards (issue 4): the channel summary with acks and notes at their limits, the team choice, every result. */
function shareSamples(): { templates: Record<string, () => AdaptiveCardJson[]>; channelSummary: () => AdaptiveCardJson[] } {
  const at = '2024-05-02T11:12:13.456Z';
  const team = (i: number): TeamRef => ({
    tenantId: 't',
    teamId: `19:${String(i).padStart(32, '0')}@thread.tacv2`,
    teamName: 'N'.repeat(256),
    channelId: `19:${String(i).padStart(32, '0')}@thread.tacv2`,
    serviceUrl: 'https://smba.trafficmanager.net/uk/',
    botId: '28:bot',
    installedAt: at,
    updatedAt: at,
  });
  const share: Share = {
    id: 's-abcdefghijklmnopqrstuv',
    tenantId: 't',
    assessmentId: ID,
    ownerId: 'o',
    ownerName: 'P'.repeat(200),
    teamId: team(1).teamId,
    teamName: team(1).teamName,
    channelId: team(1).channelId,
    serviceUrl: team(1).serviceUrl,
    status: 'posted',
    conversationId: 'c',
    activityId: 'a',
    createdAt: at,
    updatedAt: at,
    postedAt: at,
    // Teams user ids are `29:` and about 80 characters.
    ownerMri: `29:${'o'.repeat(90)}`,
    // Five supervisors (the most) with names at their limit.
    supervisors: Array.from({ length: 5 }, (_, i) => ({
      aadObjectId: `0000000${i}-0000-4000-8000-000000000000`,
      mri: `29:${String(i).repeat(90)}`,
      name: 'S'.repeat(200),
    })),
  };
  const s = summarise(atLimits());
  const author = { authorId: 'm', authorName: 'M'.repeat(200), at };
  const outcomes: ShareOutcome[] = [
    { kind: 'posted', share, caseRef: 'R'.repeat(LIMITS.caseRef) },
    { kind: 'already', share, caseRef: 'R'.repeat(LIMITS.caseRef) },
    { kind: 'in-progress', share },
    { kind: 'not-completed' },
    { kind: 'no-team' },
    { kind: 'not-member', team: team(2) },
    { kind: 'supervisor-not-member', team: team(2), count: 1 },
    { kind: 'supervisor-not-member', team: team(2), count: 3 },
    { kind: 'team-gone', team: team(2) },
    ...(['throttled', 'timeout', 'failed'] as const).map((kind): ShareOutcome => ({
      kind: 'connector',
      team: team(3),
      failure: new ConnectorFailure(kind, 429, 30_000),
    })),
  ];
  const templates: Record<string, () => AdaptiveCardJson[]> = {
    'share-choose': () => [
      renderShareChoose(
        ID,
        'R'.repeat(LIMITS.caseRef),
        { teams: labelTeams(Array.from({ length: 120 }, (_, i) => ({ ...team(i), teamName: 'Same name '.repeat(10) }))), unchecked: 7 },
        Array.from({ length: 50 }, (_, i) => ({ aadObjectId: `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`, name: 'C'.repeat(80) })),
        'You can name up to 5 supervisors for one summary. Please choose fewer; nothing was posted.',
      ),
      renderShareChoose(ID, 'R', { teams: [], unchecked: 0 }),
    ],
    'share-channel': () => [
      renderSummaryView({
        kind: 'channel',
        share,
        audience: 'everyone',
        summary: s,
        prompts: [],
        acks: Array.from({ length: 30 }, () => ({ kind: 'ack' as const, ...author })),
        notes: [],
      }),
      renderSummaryView({ kind: 'channel', share: { ...share, supervisors: undefined }, audience: 'everyone', summary: s, prompts: [], acks: [], notes: [] }),
    ],
    'share-result': () => outcomes.map((o) => renderShareResult(ID, o)),
    'share-removed': () => [renderSummaryView({ kind: 'removed', share })],
  };
  const channelSummary = () => [
    renderSummaryView({
      kind: 'channel',
      share,
      audience: 'supervisor',
      summary: s,
      prompts: supervisionPrompts(s),
      acks: Array.from({ length: 30 }, () => ({ kind: 'ack' as const, ...author })),
      notes: Array.from({ length: 10 }, () => ({ kind: 'note' as const, ...author, text: 'n'.repeat(NOTE_MAX_CHARS) })),
    }),
  ];
  return { templates, channelSummary };
}

export { conflictCard };
