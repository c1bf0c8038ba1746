import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { LineChartDraw, MAX_DOTS } from './LineChartDraw.tsx';
import { drawSignature, smoothSeries } from './LineChartView.tsx';
import type { Series } from './series.ts';

const series = (key: string, points: [number, number][], axis: 'left' | 'right' = 'left'): Series => ({
  key,
  runId: key,
  name: key,
  color: '#123456',
  dash: '',
  axis,
  points: points.map(([x, y]) => ({ x, y })),
});

const paths = (html: string) => [...html.matchAll(/data-testid="chart-line" data-series="([^"]+)" d="([^"]*)"/g)].map((m) => [m[1], m[2]]);

describe('LineChartDraw (server-rendered SVG)', () => {
  it('draws one path per series through every point, left to right, and dots when asked', () => {
    const html = renderToStaticMarkup(createElement(LineChartDraw, { series: [series('a', [[1, 10], [2, 20], [3, 15]])], xLabel: 'epoch', integerX: true, dots: true, width: 300, height: 180 }));
    const [[key, d]] = paths(html) as [[string, string]];
    expect(key).toBe('a');
    const xs = [...d!.matchAll(/[ML]([\d.]+),([\d.]+)/g)].map((m) => Number(m[1]));
    expect(xs).toHaveLength(3);
    expect(xs[0]).toBeLessThan(xs[1]!);
    expect(xs[1]).toBeLessThan(xs[2]!);
    expect(html.split('data-testid="chart-dot"').length - 1).toBe(3);
    expect(html).toContain('>epoch<');
  });

  it('leaves the dots out of a chart that would have more than MAX_DOTS of them (ten runs overlaid)', () => {
    const epochs = (k: number): [number, number][] => Array.from({ length: 8 }, (_, i) => [i + 1, 50 + k + i]);
    const many = Array.from({ length: Math.ceil(MAX_DOTS / 8) + 1 }, (_, k) => series(`run-${k}`, epochs(k)));
    const html = renderToStaticMarkup(createElement(LineChartDraw, { series: many, xLabel: 'epoch', integerX: true, dots: true, width: 300, height: 180 }));
    expect(paths(html)).toHaveLength(many.length);
    expect(html).not.toContain('data-testid="chart-dot"');
    const few = renderToStaticMarkup(createElement(LineChartDraw, { series: many.slice(0, 2), xLabel: 'epoch', integerX: true, dots: true, width: 300, height: 180 }));
    expect(few.split('data-testid="chart-dot"').length - 1).toBe(16);
  });

  it('breaks the line where a value cannot be drawn on a log scale, and draws markers with their text', () => {
    const html = renderToStaticMarkup(
      createElement(LineChartDraw, {
        series: [series('loss', [[1, 5], [2, 0], [3, 2], [4, 1]])],
        markers: [{ key: 'm', x: 2, label: 'λ1 1 → 0', color: '#ff0000', runId: 'loss' }],
        xLabel: 'step',
        left: { scale: 'log', domain: [0.1, 10], ticks: [0.1, 1, 10] },
        width: 300,
      }),
    );
    const [[, d]] = paths(html) as [[string, string]];
    expect(d!.match(/M/g)).toHaveLength(2); // the zero splits the path in two
    expect(html).toContain('data-testid="chart-marker"');
    expect(html).toContain('λ1 1 → 0');
  });

  it('puts right-axis series on their own scale', () => {
    const html = renderToStaticMarkup(
      createElement(LineChartDraw, {
        series: [series('lr', [[0, 0.01], [10, 0.005]]), series('l1', [[0, 0], [10, 1]], 'right')],
        xLabel: 'step',
        left: { label: 'learning rate', domain: [0, 'auto'] },
        right: { label: 'λ1', domain: [0, 'auto'] },
        width: 300,
        height: 200,
      }),
    );
    const ys = Object.fromEntries(paths(html).map(([key, d]) => [key, [...d!.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]))]));
    // both curves span the full plot height on their own axes
    expect(ys.lr![0]).toBeCloseTo(ys.l1![1]!, 0);
    expect(ys.lr![0]).toBeLessThan(ys.lr![1]!);
    expect(html).toContain('λ1');
  });
});

describe('smoothSeries', () => {
  it('leaves the series alone at 0 and applies the debiased EMA per series otherwise', () => {
    const raw = [series('a', [[1, 0], [2, 10], [3, 0]]), series('b', [[1, 4], [2, 4]])];
    expect(smoothSeries(raw, 0)).toBe(raw);
    const [a, b] = smoothSeries(raw, 0.5);
    expect(a!.points.map((p) => p.x)).toEqual([1, 2, 3]);
    // debiased: m1 = 0/0.5 = 0; m2 = (0.5·0 + 0.5·10)/0.75; m3 = (0.5·5 + 0)/0.875
    expect(a!.points.map((p) => p.y)).toEqual([0, 5 / 0.75, 2.5 / 0.875]);
    expect(b!.points.map((p) => p.y)).toEqual([4, 4]);
  });
});

describe('drawSignature', () => {
  const long = (key: string, offset: number) => series(key, Array.from({ length: 300 }, (_, i): [number, number] => [i, i + offset]));

  it('gives the same signature for the same long points array and a new one for a new array, equal or not', () => {
    const a = long('a', 0);
    const props = { series: [a], xLabel: 'step' };
    expect(drawSignature(props, 400)).toBe(drawSignature({ ...props, series: [{ ...a }] }, 400));
    // A new array (a run reported): redraw, even though its values equal the old ones.
    expect(drawSignature({ ...props, series: [{ ...a, points: [...a.points] }] }, 400)).not.toBe(drawSignature(props, 400));
    expect(drawSignature(props, 500)).not.toBe(drawSignature(props, 400));
    // The style of a series still counts.
    expect(drawSignature({ ...props, series: [{ ...a, color: '#000000' }] }, 400)).not.toBe(drawSignature(props, 400));
    // Its size stays that of the style, not of the 300 points.
    expect(drawSignature(props, 400).length).toBeLessThan(300);
  });

  it('compares short (epoch) series by value, so rebuilding them with the same points draws nothing new', () => {
    const make = () => ({ series: [series('run-1', [[1, 50], [2, 61]])], xLabel: 'epoch' });
    expect(drawSignature(make(), 400)).toBe(drawSignature(make(), 400));
    const moved = make();
    moved.series[0]!.points[1]!.y = 62;
    expect(drawSignature(moved, 400)).not.toBe(drawSignature(make(), 400));
  });
});

describe('smoothSeries memoised', () => {
  it('returns the same smoothed points for the same raw points and weight', () => {
    const raw = [series('a', [[1, 0], [2, 10], [3, 0]])];
    expect(smoothSeries(raw, 0.5)[0]!.points).toBe(smoothSeries([{ ...raw[0]! }], 0.5)[0]!.points);
    expect(smoothSeries(raw, 0.6)[0]!.points).not.toBe(smoothSeries(raw, 0.5)[0]!.points);
  });
});
