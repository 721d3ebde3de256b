/** The heading of bench/hosts.ts's section, which `npm run bench` keeps when it rewrites the rest of the page. */
export const HOSTS_HEADING = '## Bot hosts side by side: teams-ai and teams-sdk';

/** A generated `## ` section of docs/benchmarks.md: from its heading up to the next `## ` heading, or the end. */
export function sectionOf(doc: string, heading: string): string | undefined {
  const start = doc.indexOf(`${heading}\n`);
  if (start === -1) return undefined;
  const next = doc.indexOf('\n## ', start + heading.length);
  return doc.slice(start, next === -1 ? undefined : next + 1);
}

/** Puts a section into a benchmarks document, replacing an earlier one with the same heading (up to the next `## `) or appending it. */
export function withSection(doc: string, heading: string, section: string): string {
  const old = sectionOf(doc, heading);
  if (old === undefined) return `${doc.replace(/\n*$/, '\n\n')}${section}`;
  const start = doc.indexOf(old);
  return `${doc.slice(0, start)}${section}${doc.slice(start + old.length)}`;
}
