import { describe, expect, it } from 'vitest';
import { renderCard } from '../../src/cards/render.js';
import { consultListData } from '../../src/cards/consult-cards.js';

describe('renderCard with prepared templates', () => {
  it('when the same template is expanded twice with different data, then each result carries only its own data', () => {
    const first = JSON.stringify(renderCard('welcome', {}));
    const a = renderCard('consult-list', consultListData({ query: 'first-query-text', suggestions: [] }));
    const b = renderCard('consult-list', consultListData({ query: 'second-query-text', suggestions: [] }));
    expect(JSON.stringify(a)).toContain('first-query-text');
    expect(JSON.stringify(b)).toContain('second-query-text');
    expect(JSON.stringify(b)).not.toContain('first-query-text');
    expect(JSON.stringify(renderCard('welcome', {}))).toBe(first);
  });
});
