import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const doc = readFileSync('SECURITY.md', 'utf8');
const table = doc.slice(doc.indexOf('## Threats, defences and the tests that prove them'));

/** Each test file the table cites, with the test names (their starts, up to an ellipsis) cited after it. */
function citations(): { file: string; names: string[] }[] {
  const out: { file: string; names: string[] }[] = [];
  for (const row of table.split('\n').filter((l) => l.startsWith('|'))) {
    const cell = row.split('|').at(-2) ?? '';
    const parts = cell.split(/`(test\/[^`]+\.test\.ts)`/);
    for (let i = 1; i < parts.length; i += 2) {
      const after = (parts[i + 1] ?? '').replace(/^\s*→\s*/, '');
      const names = after
        .split(';')
        .map((n) => n.replace(/….*$/, '').trim())
        .filter((n) => n.startsWith('when '));
      out.push({ file: parts[i]!, names });
    }
  }
  return out;
}

describe('SECURITY.md names tests that exist', () => {
  it('when the threat table is read, then it cites tests', () => {
    expect(citations().length).toBeGreaterThan(20);
  });

  for (const { file, names } of citations()) {
    it(`when it cites ${file}, then the file exists and holds every test named`, () => {
      expect(existsSync(file), file).toBe(true);
      const source = readFileSync(file, 'utf8').replace(/\\'/g, "'");
      for (const name of names) {
        const pattern = new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/<[^>]+>/g, '.*'));
        expect(pattern.test(source), `${file} has no test "${name}"`).toBe(true);
      }
    });
  }
});
