import type { Assessment } from '../tencs/assessment.js';
import { auditLine, type AuditTrail, type CaseExport, type ExportLine, type ExportSection } from '../tencs/case-export.js';
import type { Owner } from '../tencs/owner.js';
import { ukDateTime } from '../tencs/uk-dates.js';
import { renderCard, type AdaptiveCardJson } from './render.js';

/** Bytes of bound text per card page: well inside the 26 KB card limit with the template around it. */
const PAGE_BYTES = 16 * 1024;

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** Splits sections into pages under PAGE_BYTES, cutting between lines (a section can continue on the next page). */
export function paginate(sections: readonly ExportSection[], pageBytes = PAGE_BYTES): ExportSection[][] {
  const pages: ExportSection[][] = [];
  let page: ExportSection[] = [];
  let used = 0;
  for (const section of sections) {
    let lines: ExportLine[] = [];
    const flush = () => {
      if (lines.length > 0) page.push({ heading: section.heading, lines });
      lines = [];
    };
    for (const line of section.lines.length > 0 ? section.lines : [{ label: 'Entries', value: 'none' }]) {
      const size = bytes(line) + 40;
      if (used + size > pageBytes && (page.length > 0 || lines.length > 0)) {
        flush();
        pages.push(page);
        page = [];
        used = 0;
      }
      if (lines.length === 0) used += bytes(section.heading) + 80;
      lines.push(line);
      used += size;
    }
    flush();
  }
  if (page.length > 0) pages.push(page);
  return pages;
}

const shown = (line: ExportLine): ExportLine => ({ label: line.label, value: line.value === '' ? '(blank)' : line.value });

/** One card per page of a case export. */
export function renderExportCards(data: CaseExport): AdaptiveCardJson[] {
  const pages = paginate(data.sections);
  return pages.map((sections, i) =>
    renderCard('privacy-export', {
      caseRef: data.caseRef,
      part: i + 1,
      parts: pages.length,
      sections: sections.map((s) => ({ heading: s.heading, lines: s.lines.map(shown) })),
    }),
  );
}

/** One card per page of an audit trail. */
export function renderAuditCards(trail: AuditTrail, viewer: Owner): AdaptiveCardJson[] {
  const pages = paginate([{ heading: 'Audit trail', lines: trail.entries.map((e) => auditLine(e, viewer)) }]);
  return pages.map((sections, i) =>
    renderCard('privacy-audit', { caseRef: trail.caseRef, part: i + 1, parts: pages.length, entries: sections.flatMap((s) => s.lines) }),
  );
}

/** The confirmation asked before an owner's assessment is deleted. */
export function renderDeleteConfirmCard(a: Assessment): AdaptiveCardJson {
  return renderCard('privacy-delete-confirm', {
    assessmentId: a.id,
    caseRef: a.setup?.caseRef ?? '(not set yet)',
    status: a.status === 'completed' ? 'Completed' : 'In progress',
    started: ukDateTime(a.createdAt),
    changed: ukDateTime(a.updatedAt),
  });
}

/** A short result or refusal; the case reference, if any, shown literally. Outside personal chat it offers only the consultation. */
export function renderPrivacyNotice(title: string, message: string, caseRef?: string, where: { personal: boolean } = { personal: true }): AdaptiveCardJson {
  return renderCard('privacy-notice', { title, message, hasCaseRef: caseRef !== undefined, caseRef: caseRef ?? '', personal: where.personal });
}

/** The confirmation asked before "delete all my data": how many assessments would go, and what else. */
export function renderDeleteAllConfirmCard(count: number): AdaptiveCardJson {
  return renderCard('privacy-delete-all-confirm', { count: String(count) });
}
