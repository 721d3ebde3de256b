/**
 * Readability measures from wooorm's well-kept packages (flesch-kincaid, flesch, syllable). The only
 * place they are imported: until they are devDependencies of the project they are resolved from
 * node_modules or, failing that, from /work/wt/_readability/node_modules (a private --no-save install).
 * At merge this becomes three plain imports.
 */
interface Counts {
  sentence: number;
  word: number;
  syllable: number;
}

async function load<T>(name: string): Promise<T> {
  try {
    return (await import(/* @vite-ignore */ name)) as T;
  } catch {
    const fallback = `/work/wt/_readability/node_modules/${name}/index.js`;
    return (await import(/* @vite-ignore */ fallback)) as T;
  }
}

const { fleschKincaid } = await load<{ fleschKincaid: (c: Counts) => number }>('flesch-kincaid');
const { flesch } = await load<{ flesch: (c: Counts) => number }>('flesch');
const { syllable } = await load<{ syllable: (word: string) => number }>('syllable');

/** The sentences of a text: split after . ? or ! (a question is a sentence). */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.?!])\s+/)
    .map((s) => s.trim())
    .filter((s) => /[A-Za-z]/.test(s));
}

/** The words of a text (letters, with inner apostrophes or hyphens). */
export function words(text: string): string[] {
  return text.match(/[A-Za-z]+(?:['’-][A-Za-z]+)*/g) ?? [];
}

/** Sentence, word and syllable counts, as the formulas take them. */
export function counts(text: string): Counts {
  const ws = words(text);
  return { sentence: sentences(text).length, word: ws.length, syllable: ws.reduce((n, w) => n + syllable(w), 0) };
}

/** Flesch-Kincaid grade level (US school grade; reading age is about grade + 5). */
export const gradeLevel = (text: string): number => fleschKincaid(counts(text));

/** Flesch reading ease (0-100; 60-70 is plain English, 80-90 easy, 90+ very easy). */
export const readingEase = (text: string): number => flesch(counts(text));

/** The most words in any one sentence. */
export const longestSentence = (text: string): number => Math.max(0, ...sentences(text).map((s) => words(s).length));
