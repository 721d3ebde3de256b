import { AGE_BANDS, type AgeBand, type Assessment } from './assessment.js';
import { youngWords } from './together-words.js';
import { C_IDS, type CId } from './ten-cs.js';

/**
 * "My online world": a card to show or give to the young person at the end, with the strengths they
 * have, what they said matters to them and the agreed next steps. The practitioner chooses every item
 * on it; nothing else from the assessment can reach it. No judgement, no case reference, no parent's
 * view (it is about the young person, not anyone else).
 */

export const WORLD_KINDS = ['strengths', 'matters', 'nextSteps'] as const;
export type WorldKind = (typeof WORLD_KINDS)[number];

/** Which answer field each part of the card is taken from. */
const SOURCE: Readonly<Record<WorldKind, 'strengths' | 'youngPersonView' | 'nextSteps'>> = {
  strengths: 'strengths',
  matters: 'youngPersonView',
  nextSteps: 'nextSteps',
};

/** The card's headings, in the young person's voice. */
export const WORLD_HEADINGS: Readonly<Record<WorldKind, string>> = {
  strengths: 'Things I am good at',
  matters: 'What matters to me',
  nextSteps: 'What we agreed to do next',
};

/** What the practitioner sees while choosing: where each possible item comes from. */
export const WORLD_SOURCE_LABELS: Readonly<Record<WorldKind, string>> = {
  strengths: 'Strengths',
  matters: "Young person's own view",
  nextSteps: 'Next steps',
};

export const WORLD_TITLE = 'My online world';

/** The id of the toggle for one possible item; only these ids are ever read from card data. */
export const pickId = (kind: WorldKind, c: CId): string => `pick_${kind}_${c}`;

export interface WorldItem {
  readonly kind: WorldKind;
  readonly c: CId;
  /** The C's name in the young person's words for their age band. */
  readonly topic: string;
  readonly text: string;
}

const bandOf = (a: Assessment): AgeBand => (a.setup?.ageBand && AGE_BANDS.includes(a.setup.ageBand) ? a.setup.ageBand : '11-13');

/** Every item the practitioner could put on the card: non-empty strengths, own views and next steps of answered Cs. */
export function worldCandidates(a: Assessment): WorldItem[] {
  const band = bandOf(a);
  return WORLD_KINDS.flatMap((kind) =>
    C_IDS.flatMap((c) => {
      const answer = a.answers[c];
      const text = answer && !answer.skipped ? answer[SOURCE[kind]].trim() : '';
      return text ? [{ kind, c, topic: youngWords(c, band).title, text }] : [];
    }),
  );
}

/** The practitioner's choice from the selection card's toggles (client-controlled: only known ids, only "true"). */
export function readWorldPicks(data: Record<string, unknown>): Set<string> {
  const picks = new Set<string>();
  for (const kind of WORLD_KINDS) for (const c of C_IDS) if (data[pickId(kind, c)] === 'true' || data[pickId(kind, c)] === true) picks.add(pickId(kind, c));
  return picks;
}

/** The picks as a short list for a card's action data, and back. */
export const picksToList = (picks: ReadonlySet<string>): string => [...picks].join(',');
export function picksFromList(list: unknown): Set<string> {
  const known = new Set(WORLD_KINDS.flatMap((kind) => C_IDS.map((c) => pickId(kind, c))));
  return new Set(typeof list === 'string' ? list.split(',').filter((p) => known.has(p)) : []);
}

export interface MyOnlineWorld {
  readonly sections: readonly { readonly kind: WorldKind; readonly heading: string; readonly items: readonly WorldItem[] }[];
}

/** The card's content: only the chosen items, grouped, in the guide's order. */
export function myOnlineWorld(a: Assessment, picks: ReadonlySet<string>): MyOnlineWorld {
  const chosen = worldCandidates(a).filter((item) => picks.has(pickId(item.kind, item.c)));
  return {
    sections: WORLD_KINDS.map((kind) => ({ kind, heading: WORLD_HEADINGS[kind], items: chosen.filter((i) => i.kind === kind) })).filter(
      (s) => s.items.length > 0,
    ),
  };
}

/** The same content as plain text, to copy or print: headings, then one line per item. */
export function worldPlainText(world: MyOnlineWorld): string {
  const lines = [WORLD_TITLE, ''];
  for (const section of world.sections) {
    lines.push(section.heading);
    for (const item of section.items) lines.push(`- ${item.topic}: ${item.text.replace(/\s*\r?\n\s*/g, ' ')}`);
    lines.push('');
  }
  if (world.sections.length === 0) lines.push('Nothing chosen yet.', '');
  return lines.join('\n').trimEnd() + '\n';
}
