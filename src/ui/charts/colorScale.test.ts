import { describe, expect, it } from 'vitest';
import { betaColor, chunkTypeColor, luminance, MISSING_COLOR, scaleGradient, scaleStops, textColorOn } from './colorScale.ts';

describe('β colour scale', () => {
  it('runs from the lightest to the darkest blue and clamps outside [0, 1]', () => {
    expect(betaColor(0)).toBe('#f7fbff');
    expect(betaColor(1)).toBe('#08306b');
    expect(betaColor(-3)).toBe(betaColor(0));
    expect(betaColor(7)).toBe(betaColor(1));
    expect(betaColor(Number.NaN)).toBe(MISSING_COLOR);
  });

  it('gets darker as β grows (monotone luminance)', () => {
    const lum = Array.from({ length: 21 }, (_, i) => luminance(betaColor(i / 20)));
    for (let i = 1; i < lum.length; i++) expect(lum[i]!).toBeLessThan(lum[i - 1]!);
  });

  it('follows a custom domain', () => {
    expect(betaColor(0.5, [0.5, 1])).toBe(betaColor(0));
    expect(betaColor(0.75, [0.5, 1])).toBe(betaColor(0.5));
  });

  it('picks readable text: black on light cells, white on dark ones', () => {
    expect(textColorOn(betaColor(0.05))).toBe('#000000');
    expect(textColorOn(betaColor(0.95))).toBe('#ffffff');
  });

  it('gives the legend evenly spaced stops and a CSS gradient', () => {
    const stops = scaleStops(5);
    expect(stops.map((s) => s.value)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(scaleGradient()).toMatch(/^linear-gradient\(to right, #f7fbff 0\.0%, .* #08306b 100\.0%\)$/);
  });
});

describe('chunk type colours', () => {
  it('uses displaCy colours for known types and a stable hashed one otherwise', () => {
    expect(chunkTypeColor('PER')).toBe('#aa9cfc');
    expect(chunkTypeColor('org')).toBe('#7aecec');
    expect(chunkTypeColor('FOO')).toBe(chunkTypeColor('FOO'));
    expect(chunkTypeColor('FOO')).toMatch(/^#[0-9a-f]{6}$/);
  });
});
