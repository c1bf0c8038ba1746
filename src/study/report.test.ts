import { describe, expect, it } from 'vitest';
import type { TaskScore } from '../protocol.ts';
import { curvesSvg, studyMarkdown } from './report.ts';
import { studyCurves, studyTable, type StudyRunRecord } from './table.ts';

const score = (task: string, value: number): TaskScore => ({ task, metric: task === 'NER' ? 'f1' : 'accuracy', value, accuracy: value });
const record = (configName: string, seed: number, dev: [number, number][], test: number): StudyRunRecord => ({
  runId: `${configName}-${seed}`, configName, seed,
  epochs: dev.map(([pos, ner], i) => ({ epoch: i + 1, best: i === dev.length - 1, devScore: (pos + ner) / 2, dev: { scores: [score('POS', pos), score('NER', ner)] } })),
  test: [score('POS', test), score('NER', test - 10)],
});

describe('study report', () => {
  const records = [record('base', 1, [[90, 70], [91, 72]], 90), record('base', 2, [[90, 71], [93, 74]], 92), record('MTAA', 1, [[92, 73]], 93)];

  it('prints the table with mean ± std, best epochs and Δ test with its p-value', () => {
    const md = studyMarkdown(studyTable(records), { MTAA: { POS: { delta: 2, p: 0.012, samples: 1000 }, NER: { delta: -0.5, p: 0, samples: 1000 } } }, 'base', { samples: 1000, seed: 1 });
    const lines = md.split('\n');
    expect(lines[0]).toBe('| configuration | seeds | best dev epoch | POS dev | POS test | POS Δ test | NER dev | NER test | NER Δ test | mean dev |');
    // base: POS dev 91 and 93 → 92.00 ± 1.41; test 90 and 92 → 91.00 ± 1.41; NER dev 72, 74.
    expect(lines[2]).toBe('| base (baseline) | 1, 2 | 2, 2 | 92.00 ± 1.41 | 91.00 ± 1.41 | — | 73.00 ± 1.41 | 81.00 ± 1.41 | — | 82.50 ± 1.41 |');
    expect(lines[3]).toBe('| MTAA | 1 | 1 | 92.00 | 93.00 | +2.00 (p = 0.012) | 73.00 | 83.00 | -0.50 (p < 0.001) | 82.50 |');
  });

  it('without a test file, gives Δ dev to the baseline instead of test columns', () => {
    const devOnly = records.map(({ test: _test, ...r }) => r);
    const lines = studyMarkdown(studyTable(devOnly), {}, 'base', { samples: 1000, seed: 1 }).split('\n');
    expect(lines[0]).toBe('| configuration | seeds | best dev epoch | POS dev | POS Δ dev | NER dev | NER Δ dev | mean dev |');
    expect(lines[2]).toBe('| base (baseline) | 1, 2 | 2, 2 | 92.00 ± 1.41 | — | 73.00 ± 1.41 | — | 82.50 ± 1.41 |');
    // MTAA's one seed: POS 92 against base's mean 92, NER 73 against 73.
    expect(lines[3]).toBe('| MTAA | 1 | 1 | 92.00 | +0.00 | 73.00 | +0.00 | 82.50 |');
    const lower = studyMarkdown(studyTable([...devOnly, { ...record('no-TD', 1, [[91.5, 74.25]], 0), test: undefined }]), {}, 'base', { samples: 1000, seed: 1 });
    expect(lower).toContain('| no-TD | 1 | 1 | 91.50 | -0.50 | 74.25 | +1.25 | 82.88 |');
    expect(lower).toContain("Δ dev: the configuration's mean dev score minus base's");
  });

  it('draws one line per configuration with a point per epoch', () => {
    const svg = curvesSvg(studyCurves(records)[0]!);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(3); // base: 2 epochs, MTAA: 1
    expect(svg).toContain('base epoch 2: 92.00 (2 seeds)');
  });
});
