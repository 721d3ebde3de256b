import type { AssessmentSummary, PlanItem } from './summary.js';
import { getC } from './ten-cs.js';
import { ukDate } from './uk-dates.js';

const RULE = '----------------------------------------';

/** "Report Remove with her (Confidentiality). Who: social worker. By: 3 June 2020." */
export function planLine(p: PlanItem): string {
  const parts = [`${p.what.replace(/[.;\s]+$/, '')} (${getC(p.c).shortTitle}).`];
  if (p.who) parts.push(`Who: ${p.who}.`);
  if (p.by) parts.push(`By: ${ukDate(p.by)}.`);
  return parts.join(' ');
}

/**
 * The summary as plain text for pasting into a case management system: no markdown, no
 * formatting that a case system would show literally, one fact per line. Safety first when it
 * applies; the young person's own words before the adults' analysis.
 */
export function caseRecordText(summary: AssessmentSummary): string {
  const lines: string[] = [];
  const section = (title: string) => lines.push('', title.toUpperCase(), RULE);

  lines.push('10 Cs online risk and resilience assessment: summary');
  lines.push('(PCFSW / Social Work England 10 Cs Risk and Resilience Mapping Tool)');
  lines.push(`Case reference: ${summary.caseRef}`);
  if (summary.ageBandLabel) lines.push(`Age band: ${summary.ageBandLabel}`);
  if (summary.assessedOn) lines.push(`Assessed on: ${ukDate(summary.assessedOn)}`);
  if (summary.participants.length > 0) lines.push(`Took part: ${summary.participants.join(', ')}`);
  if (summary.completedAt) lines.push(`Completed: ${ukDate(summary.completedAt.slice(0, 10))}`);

  if (summary.changes && summary.changes.length > 0) {
    section('What changed since the last assessment');
    for (const line of summary.changes) lines.push(line);
  }

  const safety = summary.safety;
  if (safety.shown) {
    section('Routes to safety');
    lines.push(`Why this appears: ${safety.reasons.join(' ')}`);
    for (const r of safety.routes) lines.push(`- ${r.name}: ${r.purpose}${r.where ? ` (${r.where})` : ''}`);
    lines.push('', 'Done so far:');
    if (safety.done.length === 0) lines.push('- Nothing recorded yet.');
    for (const d of safety.done) lines.push(`- ${d}`);
  }

  section('Risk and resilience map');
  for (const j of summary.judgements) {
    const skipped = j.skipped ? ' (skipped)' : '';
    lines.push(`C${j.number} ${j.title}: risk ${j.riskLabel.toLowerCase()}; resilience ${j.resilienceLabel.toLowerCase()}${skipped}`);
  }

  section("The young person's and family's views");
  if (summary.voices.length === 0) lines.push("No views recorded yet. The young person's own words are the first thing to add.");
  for (const v of summary.voices) {
    lines.push(`${getC(v.c).shortTitle}:`);
    lines.push(`- Young person: ${v.youngPerson || 'not recorded'}`);
    if (v.parent) lines.push(`- Parent or carer: ${v.parent}`);
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

  section('Plan: next steps');
  if (summary.plan.length === 0) lines.push('No next steps recorded yet.');
  for (const p of summary.plan) lines.push(`- ${planLine(p)}`);

  section('Assessment Triangle: where the practitioner places the concerns');
  const t = summary.triangle;
  if (!t.confirmed) {
    lines.push('Not placed yet: the practitioner has not confirmed where the concerns sit on the Assessment Triangle.');
  } else {
    // One line per concern, so no list of Cs is repeated across the three domains.
    const placedCs = [...new Set(t.domains.flatMap((d) => d.cs))].sort((a, b) => getC(a).number - getC(b).number);
    if (placedCs.length === 0 && t.unplaced.length === 0) lines.push('No concerns to place.');
    for (const c of placedCs) {
      const domains = t.domains.filter((d) => d.cs.includes(c)).map((d) => d.label.toLowerCase());
      lines.push(`- ${getC(c).shortTitle}: ${domains.join('; ')}`);
    }
    for (const c of t.unplaced) lines.push(`- ${getC(c).shortTitle}: not placed on any domain`);
  }

  lines.push('', summary.judgementNote);
  return lines.join('\n');
}
