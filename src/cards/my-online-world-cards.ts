import { LIMITS, type Assessment } from '../tencs/assessment.js';
import { WORLD_HEADINGS, WORLD_KINDS, WORLD_SOURCE_LABELS, myOnlineWorld, pickId, picksToList, worldCandidates } from '../tencs/my-online-world.js';
import { firstLine } from '../tencs/step-forms.js';
import { renderCard, type AdaptiveCardJson } from './render.js';

/** How much of each item the selection card shows: a glance, enough to recognise it. */
export const WORLD_GLANCE_CHARS = 80;

/** The selection card: every possible item as a toggle, the practitioner's earlier picks ticked. */
export function renderWorldChoose(a: Assessment, picks: ReadonlySet<string> = new Set()): AdaptiveCardJson {
  const candidates = worldCandidates(a);
  const sections = WORLD_KINDS.map((kind) => ({
    heading: `${WORLD_HEADINGS[kind]} (from ${WORLD_SOURCE_LABELS[kind].toLowerCase()})`,
    items: candidates
      .filter((i) => i.kind === kind)
      .map((i) => ({
        id: pickId(kind, i.c),
        label: `${WORLD_SOURCE_LABELS[kind]}, ${i.topic}`,
        glance: firstLine(i.text, WORLD_GLANCE_CHARS),
        value: picks.has(pickId(kind, i.c)) ? 'true' : 'false',
      })),
  })).filter((s) => s.items.length > 0);
  return renderCard('my-online-world-choose', { assessmentId: a.id, sections, hasCandidates: sections.length > 0 });
}

/** The card for the young person: only the chosen items, shortened evenly if together they would not fit. */
export function renderMyOnlineWorld(a: Assessment, picks: ReadonlySet<string>): AdaptiveCardJson {
  const world = myOnlineWorld(a, picks);
  const items = world.sections.flatMap((s) => s.items);
  const bytes = items.reduce((n, i) => n + Buffer.byteLength(i.text, 'utf8'), 0);
  // Every character may take 3 bytes in UTF-8: the per-item share keeps the card inside Teams' limit.
  const share = bytes > LIMITS.cardTextBytes ? Math.floor(LIMITS.cardTextBytes / 3 / Math.max(1, items.length)) : Infinity;
  let clipped = false;
  const sections = world.sections.map((s) => ({
    heading: s.heading,
    items: s.items.map((i) => {
      const chars = [...i.text];
      if (chars.length <= share) return { topic: i.topic, text: i.text };
      clipped = true;
      return { topic: i.topic, text: `${chars.slice(0, share).join('')}…` };
    }),
  }));
  return renderCard('my-online-world', { assessmentId: a.id, picks: picksToList(picks), sections, hasSections: sections.length > 0, clipped });
}
