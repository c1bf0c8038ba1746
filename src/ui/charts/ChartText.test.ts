import { createElement, type ComponentProps } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { ablations, presetConfig } from '../../core/config.ts';
import { explainTerm, paperTerms, type PaperTermKey } from '../../core/paperTerms.ts';
import { describeConfig, siblingLabel } from '../configEdit.ts';
import { ChartsPanel } from './ChartsPanel.tsx';
import { ChartText } from './ChartText.tsx';
import { RunLegend } from './RunLegend.tsx';
import { fixtureRun, fixtureRuns } from './testFixtures.ts';

// The live charts draw through a draw queue after measuring their box (effects, which a server
// render does not run): here each chart draws at once, with the axes and markers its component asks for.
vi.mock('./LineChartView.tsx', async () => {
  const { LineChartDraw } = await import('./LineChartDraw.tsx');
  return { LineChartView: (props: ComponentProps<typeof LineChartDraw>) => createElement(LineChartDraw, { ...props, width: props.width ?? 400 }) };
});

const unescape = (html: string) => html.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&#x27;', "'").replaceAll('&amp;', '&');

/**
 * What a reader would call a paper term in a chart, independent of how chartTerms.ts spells them:
 * the list and every term of the table as the settings show it.
 */
const VOCABULARY = [...new Set([
  'λ1', 'λ2', 'λ_adv', 'orthogonality', 'adversarial', 'adversary', 'discriminator', 'Discriminator', 'β', 'CRF', 'E-ADV', 'no-TD',
  'two-step', 'task dim', 'MTAA', 'base', 'iterative', 'average', 'concat', 'individual', 'shared', 'fusion', 'attention', 'hidden', 'layers',
  ...Object.values(paperTerms).map((t) => t.term),
])];

/**
 * The chart's visible text with every explained term taken out, after checking each explanation:
 * an `<abbr data-term>` (HTML text) must carry its entry's hover text, an SVG `<text data-terms>` a
 * `<title>` with one line per term. Tags and attributes (not shown as text) are dropped.
 */
function unexplainedText(html: string): string {
  const terms: PaperTermKey[] = [];
  let text = html.replace(/<abbr class="term" title="([^"]*)"[^>]*data-term="([^"]+)"[^>]*>([^<]*)<\/abbr>/g, (_, title: string, key: PaperTermKey, shown: string) => {
    expect(unescape(title), shown).toBe(explainTerm(key));
    terms.push(key);
    return ' ';
  });
  text = text.replace(/<text[^>]*data-terms="([^"]+)"[^>]*><title>([^<]*)<\/title>([^<]*)<\/text>/g, (_, keys: string, title: string) => {
    expect(unescape(title)).toBe((keys.split(' ') as PaperTermKey[]).map(explainTerm).join('\n'));
    terms.push(...(keys.split(' ') as PaperTermKey[]));
    return ' ';
  });
  expect(terms.length).toBeGreaterThan(0);
  return unescape(text.replace(/<[^>]*>/g, ' '));
}

/** The vocabulary words left in `text` (whole words only). */
function vocabularyIn(text: string): string[] {
  return VOCABULARY.filter((word) => new RegExp(`(^|[^\\p{L}\\p{N}_-])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}\\p{N}_-])`, 'u').test(text));
}

describe('every paper term shown in a chart explains itself', () => {
  // Runs labelled as the page labels them: every ablation, and siblings of every shape switch.
  const base = presetConfig('tiny', true);
  const labels = [
    ...Object.values(ablations).map((patch) => describeConfig({ ...base, model: { ...base.model, ...patch } })),
    siblingLabel('MTAA', 'fusion', 'twoStep'),
    siblingLabel('MTAA', 'adversary', 'individual'),
    siblingLabel('MTAA', 'architecture', 'base'),
    siblingLabel('MTAA', 'taskDim', 64),
    siblingLabel('MTAA', 'hidden', 128),
    siblingLabel('MTAA', 'layers', 2),
  ];
  const change = { runId: 'run-0', step: 12, epoch: 2, settings: { lambdaAdversarial: 1, lambdaOrthogonality: 0.1 }, previous: { lambdaAdversarial: 5, lambdaOrthogonality: 0.02 } };
  const runs = labels.map((label, i) => fixtureRun(`run-${i}`, label, i === 0 ? { changes: [change] } : {}));

  it('in titles, legends, line-style keys, loss parts, axis labels and markers', () => {
    const html = renderToStaticMarkup(createElement(ChartsPanel, { ...fixtureRuns(...runs), onToggleRun: () => {}, width: 400 }));
    // The charts are all there, drawn, with their markers and right axes.
    expect(html).toContain('data-testid="chart-line"');
    expect(html).toContain('data-testid="chart-marker"');
    for (const label of labels) expect(unescape(html.replace(/<[^>]*>/g, ''))).toContain(label);
    expect(vocabularyIn(unexplainedText(html))).toEqual([]);
  });

  it('in a study legend (plain labels) and in a legend button (hover only: no focus stop inside the button)', () => {
    const legend = [{ runId: 'a', label: 'E-ADV + two-step attention', color: '#000', visible: true, status: 'completed' as const }];
    const plain = renderToStaticMarkup(createElement(RunLegend, { runs: legend }));
    expect(vocabularyIn(unexplainedText(plain))).toEqual([]);
    expect(plain).toContain('tabindex="0"');
    const buttons = renderToStaticMarkup(createElement(RunLegend, { runs: legend, onToggleRun: () => {} }));
    expect(vocabularyIn(unexplainedText(buttons))).toEqual([]);
    expect(buttons).not.toContain('tabindex');
  });

  it('leaves text without terms as it is, and never reads a label as markup', () => {
    expect(renderToStaticMarkup(createElement(ChartText, { text: 'Dev scores per epoch' }))).toBe('Dev scores per epoch');
    const html = renderToStaticMarkup(createElement(ChartText, { text: 'no-TD <b>' }));
    expect(html).toContain('&lt;b&gt;');
    expect(html).not.toContain('<b>');
  });
});
