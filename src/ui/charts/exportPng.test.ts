import { describe, expect, it } from 'vitest';
import { layoutLegend, pngFileName } from './exportPng.ts';

describe('PNG export helpers', () => {
  it('names the file after the chart', () => {
    expect(pngFileName('NER — dev F1')).toBe('mtaa-ner-dev-f1.png');
    expect(pngFileName('Learning rate and λ1 per step')).toBe('mtaa-learning-rate-and-lambda1-per-step.png');
    expect(pngFileName('β')).toBe('mtaa-beta.png');
    expect(pngFileName('—')).toBe('mtaa-chart.png');
  });

  it('lays the legend out left to right, wrapping at the width', () => {
    const items = ['MTAA', 'no-TD', 'base'].map((label) => ({ label, color: '#000' }));
    const measure = (text: string) => text.length * 10;
    // each item: swatch 22 + 4 + text + 14
    expect(layoutLegend(items, 1000, measure).map((p) => [p.x, p.row])).toEqual([
      [8, 0],
      [88, 0],
      [178, 0],
    ]);
    expect(layoutLegend(items, 200, measure).map((p) => [p.x, p.row])).toEqual([
      [8, 0],
      [88, 0],
      [8, 1],
    ]);
  });
});
