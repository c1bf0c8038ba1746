import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ChartsPanel } from './ChartsPanel.tsx';
import { LossChart } from './LossChart.tsx';
import { ScoreCharts } from './ScoreCharts.tsx';
import { fixtureRun, fixtureRuns } from './testFixtures.ts';

const count = (html: string, needle: string) => html.split(needle).length - 1;

describe('live charts (server-rendered, no DOM)', () => {
  const view = fixtureRuns(fixtureRun('a', 'MTAA'), fixtureRun('b', 'no-TD <b>', { visible: false }));

  it('renders the five charts with a PNG button each and a legend entry per run', () => {
    const html = renderToStaticMarkup(createElement(ChartsPanel, { ...view, onToggleRun: () => {}, width: 320 }));
    expect(html).toContain('data-testid="charts-panel"');
    // (a) one chart per task, (c) one per pair, (d) one per task
    expect(count(html, 'data-testid="chart-score"')).toBe(3);
    expect(count(html, 'data-testid="chart-loss"')).toBe(1);
    expect(count(html, 'data-testid="chart-discriminator"')).toBe(3);
    expect(count(html, 'data-testid="chart-attention-task"')).toBe(3);
    expect(count(html, 'data-testid="chart-schedule"')).toBe(1);
    expect(count(html, 'data-testid="chart-png"')).toBe(3 + 1 + 3 + 3 + 1);
    expect(html).toContain('NER — dev F1');
    expect(html).toContain('POS — dev accuracy');
    // legends: one per group of small multiples (3) and one per single chart (2), each with both runs
    expect(count(html, 'data-testid="legend-run"')).toBe(5 * 2);
    expect(count(html, 'aria-pressed="false"')).toBe(5);
    // run labels are text, never markup (their paper terms explain themselves: no-TD is an abbr)
    expect(html).toContain('no-TD</abbr> &lt;b&gt;');
    expect(html).not.toContain('no-TD <b>');
    // the styles travel with the components
    expect(html).toContain('mtaa-charts');
  });

  it('says what to do before any run', () => {
    const html = renderToStaticMarkup(createElement(ChartsPanel, { runs: {}, order: [] }));
    expect(html).toContain('data-testid="charts-empty"');
    expect(html).not.toContain('chart-png');
  });

  it('shows an empty state instead of a chart with nothing to draw', () => {
    const html = renderToStaticMarkup(createElement(ScoreCharts, { ...fixtureRuns(fixtureRun('a', 'MTAA', { steps: 5 })), width: 300 }));
    expect(html).toContain('Dev scores appear after the first epoch.');
    const hidden = renderToStaticMarkup(createElement(ScoreCharts, { ...fixtureRuns(fixtureRun('a', 'MTAA', { visible: false })), width: 300 }));
    expect(count(hidden, 'No visible run.')).toBe(3);
  });

  it('offers every loss part, the regularisers and CRF losses checked, and a log-scale switch', () => {
    const html = renderToStaticMarkup(createElement(LossChart, { ...view, width: 400, defaultLogScale: true }));
    const parts = [...html.matchAll(/<input type="checkbox" data-testid="loss-part" data-part="([^"]+)"( checked="")?/g)].map((m) => `${m[1]}${m[2] ? '+' : ''}`);
    expect(parts).toEqual(['total', 'task:POS+', 'task:chunk+', 'task:NER+', 'adversarial+', 'orthogonality+']);
    expect(html).toMatch(/data-testid="loss-log" checked=""/);
    expect(html).toContain('data-testid="style-key"');
    const linear = renderToStaticMarkup(createElement(LossChart, { ...view, width: 400, defaultLogScale: false }));
    expect(linear).not.toMatch(/data-testid="loss-log" checked=""/);
  });
});
