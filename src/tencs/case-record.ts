import type { AssessmentSummary } from './summary.js';
import { getC } from './ten-cs.js';

const RULE = '----------------------------------------';

/**
 * The summary as plain text for pasting into a case management system: no markdown, no
 * formatting that a case system would show literally, one fact per line.
 */
export function caseRecordText(summary: AssessmentSummary): string {
  const lines: string[] = [];
  const section = (title: string) => lines.push('', title.toUpperCase(), RULE);

  lines.push('10 Cs online risk and resilience assessment: summary');
  lines.push('(PCFSW / Social Work England 10 Cs Risk and Resilience Mapping Tool)');
  lines.push(`Case reference: ${summary.caseRef}`);
  if (summary.ageBandLabel) lines.push(`Age band: ${summary.ageBandLabel}`);
  if (summary.assessedOn) lines.push(`Assessed on: ${summary.assessedOn}`);
  if (summary.participants.length > 0) lines.push(`Took part: ${summary.participants.join(', ')}`);
  if (summary.completedAt) lines.push(`Completed: ${summary.completedAt.slice(0, 10)}`);

  section('Risk and resilience map');
  for (const j of summary.judgements) {
    const skipped = j.skipped ? ' (skipped)' : '';
    lines.push(`C${j.number} ${j.title}: risk ${j.riskLabel.toLowerCase()}; resilience ${j.resilienceLabel.toLowerCase()}${skipped}`);
  }

  section('Composite picture');
  for (const s of summary.picture.statements) lines.push(`- ${s}`);
  if (summary.picture.offlineOther) lines.push(`- Other offline factors (practitioner's words): ${summary.picture.offlineOther}`);
  if (summary.picture.patterns.length > 0) {
    lines.push('', 'Combinations that compound:');
    for (const p of summary.picture.patterns) lines.push(`- ${p.text}`);
  }

  section("Practitioner's analysis of how the risks combine");
  lines.push(summary.analysis || 'Not recorded.');

  section('Impact on identity, relationships, development and wellbeing');
  lines.push(summary.impact || 'Not recorded.');

  section('Strengths to build on');
  if (summary.strengths.length === 0) lines.push('No C has resilience recorded as some or strong.');
  for (const s of summary.strengths) {
    lines.push(`- ${getC(s.c).shortTitle} (resilience ${s.resilienceLabel.toLowerCase()}): ${s.excerpt || 'no detail recorded'}`);
  }

  section('Concerns on the Assessment Triangle');
  for (const t of summary.triangle) {
    const cs = t.cs.map((c) => getC(c).shortTitle);
    const parts = [cs.length > 0 ? cs.join(', ') : 'none flagged'];
    if (t.offlineFactors.length > 0) {
      const offline = summary.picture.offlineFactors.filter((f) => t.offlineFactors.includes(f.id)).map((f) => f.label);
      parts.push(`offline: ${offline.join(', ')}`);
    }
    lines.push(`- ${t.label}: ${parts.join('; ')}`);
  }

  lines.push('', summary.judgementNote);
  return lines.join('\n');
}
