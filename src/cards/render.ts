import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';

/** Where the card templates live: the repository's top-level cards/ folder (two levels up from src/cards/ and from the compiled dist/cards/ alike). */
export const CARDS_DIR = fileURLToPath(new URL('../../cards/', import.meta.url));

/** Teams refuses messages over 28 KB; keep a margin for the activity envelope. */
export const MAX_CARD_BYTES = 26 * 1024;

/** An expanded Adaptive Card, ready to send. */
export type AdaptiveCardJson = Record<string, unknown> & { type: 'AdaptiveCard'; version: string };

/** Thrown when a rendered card would be rejected by Teams. */
export class CardTooLargeError extends Error {
  override readonly name = 'CardTooLargeError';
  constructor(
    readonly card: string,
    readonly bytes: number,
  ) {
    super(`Card ${card} is ${bytes} bytes, over the ${MAX_CARD_BYTES} byte limit`);
  }
}

let templates: Map<string, unknown> | undefined;
/**
 * Parsed templates, one per card. Parsing every ${...} (ANTLR) costs 5-7 ms a card, half of a turn's
 * CPU in the benchmark; expand() makes a fresh evaluation context per call, so reuse is safe.
 */
const prepared = new Map<string, ACData.Template>();

function loadTemplates(): Map<string, unknown> {
  if (!templates) {
    const loaded = new Map<string, unknown>();
    for (const file of readdirSync(CARDS_DIR)) {
      if (!file.endsWith('.json')) continue;
      loaded.set(file.slice(0, -'.json'.length), JSON.parse(readFileSync(path.join(CARDS_DIR, file), 'utf8')));
    }
    templates = loaded;
  }
  return templates;
}

function preparedTemplate(name: string): ACData.Template {
  let template = prepared.get(name);
  if (!template) {
    const json = loadTemplates().get(name);
    if (!json) throw new Error(`No card template named ${name}`);
    template = new ACData.Template(json);
    prepared.set(name, template);
  }
  return template;
}

/** Names of every template in cards/. */
export function templateNames(): string[] {
  return [...loadTemplates().keys()].sort();
}

/**
 * Expands the template `name` with `data`. Data is bound once, never re-parsed: user text in data
 * stays literal. Templates show user text only in Input values or RichTextBlock TextRuns, which do
 * not interpret markdown, so a typed link or image never becomes one.
 */
export function renderCard(name: string, data: object): AdaptiveCardJson {
  const expanded = preparedTemplate(name).expand({ $root: data }) as AdaptiveCardJson;
  const bytes = Buffer.byteLength(JSON.stringify(expanded), 'utf8');
  if (bytes > MAX_CARD_BYTES) throw new CardTooLargeError(name, bytes);
  return expanded;
}
