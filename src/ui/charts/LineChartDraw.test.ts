import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { LineChartDraw } from './LineChartDraw.tsx';
import { smoothSeries } from './LineChartView.tsx';
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
