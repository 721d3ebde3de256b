import { compareCard } from '../../src/cards/compare-cards.js';
import {
  handOverChooseCard,
  handOverOfferCard,
  handOverSentCard,
  reassignChooseCard,
  reminderCard,
  retentionWarningCard,
} from '../../src/cards/cycle-cards.js';
import type { AdaptiveCardJson } from '../../src/cards/render.js';
import { LIMITS, type Assessment } from '../../src/tencs/assessment.js';
import { compareCase } from '../../src/tencs/cycle/compare.js';
import { C_IDS } from '../../src/tencs/ten-cs.js';
import { atLimits } from '../fixtures/assessments.js';

const ID = '8276543210987-abcdefghijkl';

/** The case-over-time cards (issue 16) at their limits: four assessments, many actions, long references. */
export function cycleSamples(): Record<string, () => AdaptiveCardJson[]> {
  const a = atLimits();
  const four: Assessment[] = ['2026-01-01', '2026-04-01', '2026-07-01', '2026-10-01'].map((d, i) => ({
    ...a,
    id: `${i}${ID.slice(1)}`,
    setup: { ...a.setup!, assessedOn: d },
    carried: Object.fromEntries(C_IDS.map((c) => [c, '2025-12-01'])),
    composite: { ...a.composite!, offlineFactors: i % 2 ? ['neglect', 'send', 'going-missing'] : ['domestic-abuse'] },
  }));
  const plan = Array.from({ length: 30 }, (_, i) => ({ what: '€'.repeat(LIMITS.answerText), who: 'w'.repeat(200), byWhen: `2026-0${(i % 9) + 1}-01` }));
  const reminder = (kind: 'review' | 'unfinished') =>
    reminderCard({
      owner: { tenantId: 't', aadObjectId: 'o' },
      key: `${kind}|${ID}|2026-12-02|3`,
      baseKey: `${kind}|${ID}|2026-12-02`,
      assessmentId: ID,
      caseRef: 'R'.repeat(LIMITS.caseRef),
      kind,
      text: 'A reminder in our own words.',
    });
  return {
    compare: () => [compareCard(compareCase(four, plan)), compareCard(compareCase([four[0]!]))],
    reminder: () => [reminder('review'), reminder('unfinished')],
    'hand-over-offer': () => [
      handOverOfferCard({
        id: 'handover-sample-1',
        from: { tenantId: 't', aadObjectId: 'a' },
        to: { tenantId: 't', aadObjectId: 'b' },
        assessmentIds: [ID, ID],
        caseRef: 'R'.repeat(LIMITS.caseRef),
        state: 'pending',
        createdAt: '2026-12-02T10:00:00.000Z',
        updatedAt: '2026-12-02T10:00:00.000Z',
      }),
      handOverOfferCard({
        id: 'handover-sample-3',
        from: { tenantId: 't', aadObjectId: 'a' },
        to: { tenantId: 't', aadObjectId: 'b' },
        by: { tenantId: 't', aadObjectId: 'c' },
        assessmentIds: Array.from({ length: 100 }, () => ID),
        caseRef: 'R'.repeat(LIMITS.caseRef),
        state: 'pending',
        createdAt: '2026-12-02T10:00:00.000Z',
        updatedAt: '2026-12-02T10:00:00.000Z',
      }),
    ],
    'reassign-choose': () => [
      reassignChooseCard(
        'R'.repeat(LIMITS.caseRef),
        100,
        Array.from({ length: 20 }, (_, i) => `${'T'.repeat(250)} ${i}`),
      ),
    ],
    'hand-over-choose': () => [handOverChooseCard('R'.repeat(LIMITS.caseRef), 100)],
    'hand-over-sent': () => [
      handOverSentCard({
        id: 'handover-sample-2',
        from: { tenantId: 't', aadObjectId: 'a' },
        to: { tenantId: 't', aadObjectId: 'b' },
        assessmentIds: [ID],
        caseRef: 'R'.repeat(LIMITS.caseRef),
        state: 'pending',
        createdAt: '2026-12-02T10:00:00.000Z',
        updatedAt: '2026-12-02T10:00:00.000Z',
      }),
    ],
    'retention-warning': () => [retentionWarningCard('R'.repeat(LIMITS.caseRef), '2027-08-03T10:00:00.000Z')],
  };
}
