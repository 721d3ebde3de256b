import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CARDS_DIR, renderCard, templateNames } from '../../src/cards/render.js';
import { HOSTILE_TEXT } from '../helpers/hostile.js';

const BENIGN_TEXT = 'plain words';
const TAG_OPEN = '\u27e6';
const TAG_CLOSE = '\u27e7';

interface Scope {
  [key: string]: Scope | Scope[] | string[] | string;
}

const EXPRESSION = /\$\{([^}]*)\}/g;
const IDENTIFIER_PATH = /(?<![\w$.'"])(\$?[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?![\w.])(\s*\()?/g;
const NOT_DATA = new Set(['true', 'false', 'null', '$index', '$host', '$data', '$root', '$when']);

/** The data paths an expression reads, without string literals and function names. */
function pathsIn(expression: string): string[] {
  const withoutLiterals = expression.replace(/'[^']*'|"[^"]*"/g, "''");
  return [...withoutLiterals.matchAll(IDENTIFIER_PATH)]
    .filter((m) => m[2] === undefined)
    .map((m) => m[1]!)
    .filter((p) => !NOT_DATA.has(p));
}

function setLeaf(scope: Scope, dotted: string, fill: (path: string) => string, fullPath: string): void {
  const parts = dotted.split('.');
  let node: Scope = scope;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || Array.isArray(next)) node[part] = {};
    node = node[part] as Scope;
  }
  const last = parts.at(-1)!;
  node[last] ??= fill(fullPath);
}

/**
 * Builds data that gives every binding in a template a value: `fill(path)` for leaves, one-item
 * arrays for `$data` repeats (items are strings when the repeat shows `${$data}` itself).
 */
function fillTemplate(template: unknown, fill: (path: string) => string): Scope {
  const root: Scope = {};
  const visit = (node: unknown, scope: Scope, prefix: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n, scope, prefix));
    if (!node || typeof node !== 'object') {
      if (typeof node === 'string') {
        for (const m of node.matchAll(EXPRESSION)) {
          for (const p of pathsIn(m[1]!)) {
            if (p.startsWith('$root.')) setLeaf(root, p.slice('$root.'.length), fill, p.slice('$root.'.length));
            else setLeaf(scope, p, fill, `${prefix}${p}`);
          }
        }
      }
      return;
    }
    const record = node as Record<string, unknown>;
    const repeat = typeof record.$data === 'string' ? /^\$\{\s*([A-Za-z_][\w.]*)\s*\}$/.exec(record.$data) : null;
    if (repeat) {
      const name = repeat[1]!;
      const item: Scope = {};
      const rest = Object.fromEntries(Object.entries(record).filter(([k]) => k !== '$data'));
      visit(rest, item, `${prefix}${name}[].`);
      const showsItemItself = JSON.stringify(rest).includes('${$data}');
      setLeaf(scope, name, fill, `${prefix}${name}`);
      const parts = name.split('.');
      let holder: Scope = scope;
      for (const part of parts.slice(0, -1)) holder = holder[part] as Scope;
      holder[parts.at(-1)!] = showsItemItself ? [fill(`${prefix}${name}[]`)] : [item];
      return;
    }
    for (const value of Object.values(record)) visit(value, scope, prefix);
  };
  visit(template, root, '');
  return root;
}

/** The card's structure with every string emptied: element types, keys and array lengths. */
function skeleton(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(skeleton);
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'type' ? v : skeleton(v)]));
  }
  return typeof node === 'string' ? '' : node;
}

function strings(node: unknown, out: { key: string; value: string }[] = [], key = ''): { key: string; value: string }[] {
  if (Array.isArray(node)) node.forEach((n) => strings(n, out, key));
  else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) strings(v, out, k);
  else if (typeof node === 'string') out.push({ key, value: node });
  return out;
}

const tagged = (text: string) => (p: string) => `${TAG_OPEN}${p}${TAG_CLOSE}${text}`;

describe('every card template renders bound text literally', () => {
  const names = templateNames();

  it('when the cards folder is read, then there are templates to check', () => {
    expect(names).toContain('welcome');
  });

  for (const name of names) {
    it(`when every binding of ${name} carries hostile text, then nothing is evaluated, no element or action appears and no link points at it`, () => {
      const template = JSON.parse(readFileSync(path.join(CARDS_DIR, `${name}.json`), 'utf8')) as unknown;
      const hostile = renderCard(name, fillTemplate(template, tagged(HOSTILE_TEXT)));
      const benign = renderCard(name, fillTemplate(template, tagged(BENIGN_TEXT)));

      // Same shape as with harmless words: the JSON fragment added nothing, no expression expanded into structure.
      expect(skeleton(hostile)).toEqual(skeleton(benign));

      // Wherever bound text shows, it is there in full, exactly as typed.
      const shown = strings(hostile).filter((s) => s.value.includes(TAG_OPEN));
      for (const s of shown) {
        const pieces = s.value.split(TAG_OPEN).slice(1);
        for (const piece of pieces) {
          const after = piece.slice(piece.indexOf(TAG_CLOSE) + 1);
          expect(after.startsWith(HOSTILE_TEXT), `${name}: ${s.key} altered bound text: ${JSON.stringify(s.value).slice(0, 300)}`).toBe(true);
        }
      }

      // No bound text became an address anywhere (links, images, actions, backgrounds).
      for (const s of strings(hostile)) {
        if (/url$|^url|backgroundImage/i.test(s.key)) expect(s.value, `${name}: ${s.key}`).not.toContain('evil.example');
      }
      const actions = JSON.stringify(hostile).match(/"type":"Action\.OpenUrl"/g)?.length ?? 0;
      const benignActions = JSON.stringify(benign).match(/"type":"Action\.OpenUrl"/g)?.length ?? 0;
      expect(actions).toBe(benignActions);
    });
  }
});

describe('the template filler itself', () => {
  it('when a template repeats items and nests paths, then every binding gets a value', () => {
    const template = {
      body: [
        { type: 'TextBlock', text: '${a.b} and ${$root.top}', $when: '${!flag}' },
        { $data: '${rows}', type: 'TextRun', text: '${label}: ${if(x, y, "z")}' },
        { $data: '${plain}', type: 'TextBlock', text: '${$data}' },
      ],
    };
    const data = fillTemplate(template, (p) => `<${p}>`);
    expect(data).toEqual({
      a: { b: '<a.b>' },
      top: '<top>',
      flag: '<flag>',
      rows: [{ label: '<rows[].label>', x: '<rows[].x>', y: '<rows[].y>' }],
      plain: ['<plain[]>'],
    });
  });
});
