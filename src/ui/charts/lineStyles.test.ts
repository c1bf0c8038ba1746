import { describe, expect, it } from 'vitest';
import { DASHES, dashAt, dashesFor } from './lineStyles.ts';

describe('dash patterns', () => {
  it('starts solid with the hand-picked patterns, then keeps giving new ones', () => {
    expect(dashAt(0)).toBe('');
    expect(DASHES.map((_, i) => dashAt(i))).toEqual(DASHES);
    const first60 = Array.from({ length: 60 }, (_, i) => dashAt(i));
    expect(new Set(first60).size).toBe(60);
    // Every generated pattern is a valid stroke-dasharray: an even count of positive numbers.
    for (const dash of first60.slice(1)) {
      const lengths = dash.split(' ').map(Number);
      expect(lengths.every((n) => n > 0)).toBe(true);
      expect(lengths.length % 2).toBe(0);
    }
  });

  it('maps the kinds of a chart to distinct patterns in their order', () => {
    const kinds = ['task:UPOS', 'task:XPOS', 'task:DEPREL', 'task:POS', 'task:chunk', 'task:NER', 'adversarial', 'orthogonality'];
    const dashes = dashesFor(kinds);
    expect(dashes.get('task:UPOS')).toBe('');
    expect(new Set(kinds.map((k) => dashes.get(k))).size).toBe(kinds.length);
  });
});
