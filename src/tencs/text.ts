import { TEN_CS, getC, type CId } from './ten-cs.js';

/**
 * Removes control characters other than line breaks and tabs, and trims. Keeps pasted text readable
 * and stops a field of escaped control characters from multiplying the size of a card.
 */
export function cleanText(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
      .trim()
  );
}

/** The start of `text` up to `max` characters, cut at a word boundary where one is near, marked when shortened. */
export function excerpt(text: string, max: number): { text: string; shortened: boolean } {
  const clean = cleanText(text);
  if (clean.length <= max) return { text: clean, shortened: false };
  let cut = clean.slice(0, max - 1);
  const space = cut.search(/\s\S*$/);
  if (space > max * 0.6) cut = cut.slice(0, space);
  // Never end on half of a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return { text: `${cut.trimEnd()}…`, shortened: true };
}

/** "A", "A and B", "A, B and C". */
export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]!}`;
}

/** The short titles of these Cs as an English list. */
export function namesOf(cs: readonly CId[]): string {
  return listOf(cs.map((c) => getC(c).shortTitle));
}

/** These Cs in the guide's order, each once. */
export function inGuideOrder(cs: Iterable<CId>): CId[] {
  const set = new Set(cs);
  return TEN_CS.map((c) => c.id).filter((id) => set.has(id));
}

/** "is" for one C, "are" for none or several: "Consumption is", "Contact and Conduct are". */
export function isAre(count: number): 'is' | 'are' {
  return count === 1 ? 'is' : 'are';
}

const NUMBER_WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/** "no areas", "one area", "two areas", "11 areas": a count with its noun, in words up to ten. */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  const word = NUMBER_WORDS[count] ?? String(count);
  return `${word} ${count === 1 ? singular : plural}`;
}

/**
 * Names lists of Cs once and refers back after that, so a reader never meets the same list of
 * names twice. A single C is always named (that is not a list).
 */
export class ListNamer {
  /** Lists already named; the value is how to refer back when one was registered with `known`. */
  private readonly named = new Map<string, string | undefined>();

  /** Remembers how to refer back to a list already named elsewhere (e.g. in the picture above). */
  known(cs: readonly CId[], reference: string): void {
    const key = inGuideOrder(cs).join(',');
    if (cs.length >= 2 && !this.named.has(key)) this.named.set(key, reference);
  }

  /** Every list named so far, with how to refer back to it (for a later part of the same summary). */
  lists(fallback: string): { cs: CId[]; reference: string }[] {
    return [...this.named.entries()].map(([key, ref]) => ({ cs: key.split(',') as CId[], reference: ref ?? fallback }));
  }

  /** True when this list (two or more Cs) has already been named. */
  isNamed(cs: readonly CId[]): boolean {
    return cs.length >= 2 && this.named.has(inGuideOrder(cs).join(','));
  }

  /** The names the first time; after that the registered reference, or else `fallback`. */
  name(cs: readonly CId[], fallback: string): string {
    const ordered = inGuideOrder(cs);
    if (ordered.length < 2) return namesOf(ordered);
    const key = ordered.join(',');
    if (this.named.has(key)) return this.named.get(key) ?? fallback;
    this.named.set(key, fallback);
    return namesOf(ordered);
  }
}
