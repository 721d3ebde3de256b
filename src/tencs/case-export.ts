import {
  AGE_BAND_LABELS,
  HARM_FROM_LABELS,
  OFFLINE_FACTOR_LABELS,
  PARTICIPANT_LABELS,
  RESILIENCE_LABELS,
  RISK_LABELS,
  SAFETY_FLAG_LABELS,
  type Assessment,
} from './assessment.js';
import { AUDIT_ACTION_LABELS, SYSTEM_ACTOR, type AuditEntry } from './audit.js';
import type { Owner } from './owner.js';
import type { Share, SupervisionEntry } from './sharing.js';
import { C_IDS, TRIANGLE_DOMAINS, TRIANGLE_DOMAIN_LABELS, getC, type CId } from './ten-cs.js';
import { ukDate, ukDateTime } from './uk-dates.js';

/** One labelled value in an export; values are exactly as stored. */
export interface ExportLine {
  readonly label: string;
  readonly value: string;
}

/** A titled group of lines: one assessment, or its audit trail. */
export interface ExportSection {
  readonly heading: string;
  readonly lines: readonly ExportLine[];
}

/** What "export CASE-REF" gives the owner: every stored field of every assessment with that case reference. */
export interface CaseExport {
  readonly caseRef: string;
  readonly sections: readonly ExportSection[];
}

/** What "audit CASE-REF" shows. */
export interface AuditTrail {
  readonly caseRef: string;
  readonly entries: readonly AuditEntry[];
}

const yesNo = (b: boolean) => (b ? 'Yes' : 'No');

/** Every stored field of one assessment as labelled lines, in the order the practitioner met them. */
export function assessmentSections(a: Assessment): ExportSection[] {
  const ref = a.setup?.caseRef ?? '(no case reference yet)';
  const sections: ExportSection[] = [];
  const meta: ExportLine[] = [
    { label: 'Case reference', value: ref },
    { label: 'Assessment id', value: a.id },
    { label: 'Status', value: a.status === 'completed' ? 'Completed' : 'In progress' },
    { label: 'Started', value: ukDateTime(a.createdAt) },
    { label: 'Last changed', value: ukDateTime(a.updatedAt) },
    ...(a.completedAt ? [{ label: 'Completed', value: ukDateTime(a.completedAt) }] : []),
    { label: 'Cautions acknowledged', value: yesNo(a.cautionsAcknowledged) },
  ];
  if (a.setup) {
    meta.push(
      { label: 'Age band', value: AGE_BAND_LABELS[a.setup.ageBand] },
      { label: 'Who took part', value: a.setup.participants.map((p) => PARTICIPANT_LABELS[p]).join(', ') },
      { label: 'Others who took part', value: a.setup.participantsOther },
      { label: 'Date of assessment', value: ukDate(a.setup.assessedOn) },
    );
  }
  sections.push({ heading: `Assessment ${ref}`, lines: meta });
  for (const id of C_IDS) {
    const answer = a.answers[id];
    if (!answer) continue;
    const c = getC(id);
    sections.push({
      heading: `C${c.number} ${c.title}`,
      lines: [
        { label: 'Skipped', value: yesNo(answer.skipped) },
        { label: 'Strengths and protective factors', value: answer.strengths },
        { label: 'Vulnerabilities and risks', value: answer.vulnerabilities },
        { label: 'Risk of harm', value: RISK_LABELS[answer.risk] },
        { label: 'Resilience', value: RESILIENCE_LABELS[answer.resilience] },
        { label: "The young person's view", value: answer.youngPersonView },
        { label: "The parent or carer's view", value: answer.parentView },
        { label: 'Next steps', value: answer.nextSteps },
        ...optionalLines([
          ['Who takes the next step', answer.nextStepsWho ?? ''],
          ['Next step by', answer.nextStepsBy ? ukDate(answer.nextStepsBy) : ''],
          ...(answer.moreSteps ?? []).map((m): [string, string] => [
            'Another next step',
            [m.what, m.who && `who: ${m.who}`, m.by && `by ${ukDate(m.by)}`].filter(Boolean).join('; '),
          ]),
        ]),
      ],
    });
  }
  if (a.composite) {
    sections.push({
      heading: 'Composite picture',
      lines: [
        { label: 'Offline factors', value: a.composite.offlineFactors.map((f) => OFFLINE_FACTOR_LABELS[f]).join(', ') },
        { label: 'Other offline factors', value: a.composite.offlineOther },
        { label: 'How the risks combine', value: a.composite.analysis },
        { label: 'Impact', value: a.composite.impact },
        ...optionalLines([
          ['Recorded for routes to safety', (a.composite.safetyFlags ?? []).map((f) => SAFETY_FLAG_LABELS[f]).join(', ')],
          ['Who is harming them, as far as known', (a.composite.harmFrom ?? []).map((f) => HARM_FROM_LABELS[f]).join(', ')],
          ['Referral made on', a.composite.referralMadeOn ? ukDate(a.composite.referralMadeOn) : ''],
          ['Strategy discussion held on', a.composite.strategyDiscussionOn ? ukDate(a.composite.strategyDiscussionOn) : ''],
          ['Other steps taken to keep the young person safe', a.composite.safetyDone ?? ''],
          ['Assessment Triangle placement', triangleLine(a)],
        ]),
      ],
    });
  }
  return sections;
}

/** Lines for fields added after the first release, only where something is recorded. */
function optionalLines(pairs: readonly (readonly [string, string])[]): ExportLine[] {
  return pairs.filter(([, value]) => value !== '').map(([label, value]) => ({ label, value }));
}

function triangleLine(a: Assessment): string {
  const t = a.composite?.triangle;
  if (!t) return '';
  const parts = TRIANGLE_DOMAINS.filter((d) => t[d].length > 0).map((d) => `${TRIANGLE_DOMAIN_LABELS[d]}: ${t[d].map((c) => getC(c).shortTitle).join(', ')}`);
  return `${parts.join('; ')}${a.composite?.triangleConfirmed ? ' (confirmed)' : ' (not confirmed)'}`;
}

/** One audit entry as a line a person can read; the actor is "you" or their Entra object id. */
export function auditLine(e: AuditEntry, viewer: Owner): ExportLine {
  const who =
    e.actorTenantId === SYSTEM_ACTOR.actorTenantId
      ? 'tencs (retention)'
      : e.actorId === viewer.aadObjectId && e.actorTenantId === viewer.tenantId
        ? 'you'
        : `user ${e.actorId}`;
  const what = AUDIT_ACTION_LABELS[e.action];
  return { label: ukDateTime(e.at), value: `${what}${e.detail ? ` (${detailName(e.detail)})` : ''}, by ${who}` };
}

const STEP_NAMES: Readonly<Record<string, string>> = {
  setup: 'case details',
  cautions: 'cautions',
  review: 'review',
  summary: 'summary',
  'as-team-member': 'as a team member',
  'not-now': 'not now, before anything was entered',
};

/** An audit detail as a reader would name it: a step id becomes e.g. "C1 Confidentiality"; other details (ids) are shown as stored. */
export function detailName(detail: string): string {
  if ((C_IDS as readonly string[]).includes(detail)) {
    const c = getC(detail as CId);
    return `C${c.number} ${c.shortTitle}`;
  }
  return STEP_NAMES[detail] ?? detail;
}

/** One channel share of an assessment, with every acknowledgement and note, as an export section. */
export function shareSection(
  share: Share,
  acks: readonly Extract<SupervisionEntry, { kind: 'ack' }>[],
  notes: readonly Extract<SupervisionEntry, { kind: 'note' }>[],
): ExportSection {
  return {
    heading: `Shared to ${share.teamName || 'a team'}`,
    lines: [
      { label: 'Shared by', value: share.ownerName },
      { label: 'Status', value: share.status },
      { label: 'Shared at', value: ukDateTime(share.postedAt ?? share.createdAt) },
      ...acks.map((a) => ({ label: `Acknowledged ${ukDateTime(a.at)}`, value: a.authorName })),
      ...notes.map((n) => ({ label: `Supervision note ${ukDateTime(n.at)} by ${n.authorName}`, value: n.text })),
    ],
  };
}
