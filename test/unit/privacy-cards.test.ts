import { describe, expect, it } from 'vitest';
import { renderAuditCards, renderDeleteConfirmCard, renderExportCards } from '../../src/cards/privacy-cards.js';
import { assessmentSections } from '../../src/tencs/case-export.js';
import { completedAssessment } from '../fixtures/assessments.js';
import { cardText } from '../helpers/bot-harness.js';

const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const me = { tenantId: 't', aadObjectId: 'me' };
const entry = (at: string, detail?: string) => ({
  at,
  actorTenantId: 't',
  actorId: 'me',
  action: 'viewed' as const,
  assessmentId: 'a-1',
  caseRef: 'CR-1',
  ...(detail ? { detail } : {}),
});

describe('audit card', () => {
  it('when entries are shown, then their times read as UK dates and times, not ISO timestamps', () => {
    const text = renderAuditCards({ caseRef: 'CR-1', entries: [entry('2026-11-24T05:02:33.120Z'), entry('2026-07-01T00:30:00.000Z')] }, me)
      .map(cardText)
      .join('\n');
    expect(text).toContain('24 November 2026, 05:02');
    // British Summer Time: 00:30 UTC on 1 July is 01:30 in the UK.
    expect(text).toContain('1 July 2026, 01:30');
    expect(text).not.toMatch(ISO_TIME);
  });

  it('when an entry names a step, then the step reads as people call it: "C1 Confidentiality", "case details", "cautions"', () => {
    const at = '2026-11-24T05:02:00.000Z';
    const text = renderAuditCards(
      { caseRef: 'CR-1', entries: [entry(at, 'confidentiality'), entry(at, 'composite'), entry(at, 'setup'), entry(at, 'cautions')] },
      me,
    )
      .map(cardText)
      .join('\n');
    expect(text).toContain('Opened the assessment (C1 Confidentiality), by you');
    expect(text).toContain('Opened the assessment (C10 Composite), by you');
    expect(text).toContain('Opened the assessment (case details), by you');
    expect(text).toContain('Opened the assessment (cautions), by you');
    expect(text).not.toContain('(confidentiality)');
    expect(text).not.toContain('(setup)');
  });
});

describe('export and delete cards', () => {
  const a = {
    ...completedAssessment({ caseRef: 'CR-2', answers: {} }),
    createdAt: '2026-11-20T09:15:00.000Z',
    updatedAt: '2026-11-24T05:02:59.999Z',
    completedAt: '2026-11-24T05:02:59.999Z',
  };

  it('when an assessment is exported, then its times and the assessment date read in UK form, not ISO', () => {
    const text = renderExportCards({ caseRef: 'CR-2', sections: assessmentSections(a) })
      .map(cardText)
      .join('\n');
    expect(text).toMatch(/Started: \s*20 November 2026, 09:15/);
    expect(text).toMatch(/Last changed: \s*24 November 2026, 05:02/);
    expect(text).toMatch(/Date of assessment: \s*26 May 2020/);
    expect(text).not.toMatch(ISO_TIME);
    expect(text).not.toContain('2020-05-26');
  });

  it('when deletion is confirmed, then the card gives the start and change times in UK form', () => {
    const text = cardText(renderDeleteConfirmCard(a));
    expect(text).toContain('20 November 2026, 09:15');
    expect(text).toContain('24 November 2026, 05:02');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });
});
