import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { inspectionFixture } from '../charts/testFixtures.ts';
import { InspectionView, InspectorPanel, type InspectorApi } from './InspectorPanel.tsx';

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

describe('attention inspector (server-rendered, no DOM)', () => {
  const html = renderToStaticMarkup(createElement(InspectionView, { inspection: inspectionFixture, schemes: { chunk: 'IOB1', NER: 'IOB2' } }));

  it('renders one block per task with its scheme', () => {
    const tasks = [...html.matchAll(/data-testid="inspector-task" data-task="([^"]+)" data-scheme="([^"]+)"/g)].map((m) => `${m[1]}:${m[2]}`);
    expect(tasks).toEqual(['POS:plain', 'chunk:IOB1', 'NER:IOB2']);
  });

  it('exposes β rows with their values, one column per representation', () => {
    const rows = [...html.matchAll(/data-testid="beta-row" data-token="([^"]*)" data-values="([^"]+)"/g)].map((m) => ({ token: decode(m[1]!), values: JSON.parse(decode(m[2]!)) as number[] }));
    expect(rows).toHaveLength(10); // POS and NER have β, chunk has none
    expect(rows[0]).toEqual({ token: 'EU', values: [0.6, 0.3, 0.1] });
    expect(rows[3]!.values).toEqual([1 / 3, 1 / 3, 1 / 3]);
    for (const row of rows) expect(row.values.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(html.match(/data-testid="beta-column"/g)).toHaveLength(6);
    expect(html).toContain('shared:chunk');
    expect(html).toContain('title="EU · individual: β = 0.6000"');
    expect(html).toContain('data-testid="beta-scale"');
    expect(html).toContain('data-testid="no-beta"');
  });

  it('groups chunks with their type and marks errors', () => {
    const chunks = [...html.matchAll(/data-testid="chunk" data-type="([^"]+)" data-start="(\d+)" data-end="(\d+)" data-error="(true|false)"/g)].map((m) => `${m[1]}@${m[2]}-${m[3]}${m[4] === 'true' ? '!' : ''}`);
    // chunk (IOB1): predicted and gold lines; NER: predicted ORG ok, MISC over 2 tokens wrong; gold MISC over 1 token missed
    expect(chunks).toEqual(['NP@0-1', 'VP@1-2', 'NP@2-4', 'NP@0-1', 'VP@1-2', 'NP@2-4', 'ORG@0-1', 'MISC@2-4!', 'ORG@0-1', 'MISC@2-3!']);
    expect(html).toContain('German call<span class="chunk-type">MISC</span>');
    // POS: the last token's tag is wrong
    expect(html).toMatch(/data-task="POS"[^]*data-errors="1"[^]*data-task="chunk"/);
  });

  it('renders tokens as text, never as markup', () => {
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('renders the picker before any answer of the worker', () => {
    const api: InspectorApi = {
      devSentences: () => new Promise(() => {}),
      inspectSentence: () => new Promise(() => {}),
    };
    const panel = renderToStaticMarkup(createElement(InspectorPanel, { runs: [{ runId: 'r1', label: 'MTAA' }, { runId: 'r2', label: 'no-TD' }], api }));
    expect(panel).toContain('data-testid="inspector-panel"');
    expect(panel).toMatch(/<option value="r2" selected="">no-TD<\/option>/); // the latest run by default
    expect(panel).toContain('loading…');
    const none = renderToStaticMarkup(createElement(InspectorPanel, { runs: [], api }));
    expect(none).toContain('Start a run to inspect');
    expect(none).toMatch(/data-testid="inspector-submit" disabled=""|disabled="" data-testid="inspector-submit"/);
  });
});
