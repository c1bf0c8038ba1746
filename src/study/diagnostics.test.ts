import { describe, expect, it } from 'vitest';
import type { TaskScore } from '../protocol.ts';
import { studyDiagnostics } from './diagnostics.ts';
import { diagnosticsMarkdown } from './report.ts';
import type { StudyEpoch, StudyRunRecord } from './table.ts';

const score = (value: number): TaskScore => ({ task: 'POS', metric: 'accuracy', value, accuracy: value });
const epoch = (n: number, value: number, best: boolean, beta?: number[], disc?: number): StudyEpoch => ({
  epoch: n,
  best,
  devScore: value,
  dev: {
    scores: [score(value)],
    ...(beta ? { attention: [{ task: 'POS', representations: ['individual', 'shared:NER'], mean: beta }] } : {}),
    ...(disc !== undefined ? { discriminatorAccuracy: [{ pair: 'NER+POS', accuracy: disc }] } : {}),
  },
});
const run = (configName: string, seed: number, epochs: StudyEpoch[]): StudyRunRecord => ({ runId: `${configName}-${seed}`, configName, seed, epochs });

describe('study diagnostics', () => {
  it("reads β on the individual representation and the discriminators at each run's best epoch, over seeds", () => {
    const records = [
      run('base', 1, [epoch(1, 90, true), epoch(2, 91, true)]),
      // Seed 1's best is epoch 2; its epoch-3 report (worse dev) is not read.
      run('MTAA', 1, [epoch(1, 89, true, [0.6, 0.4], 0.7), epoch(2, 92, true, [0.9, 0.1], 0.9), epoch(3, 91, false, [0.99, 0.01], 0.99)]),
      // Seed 2 was resumed: epoch 1 came twice, and the later report stands.
      run('MTAA', 2, [epoch(1, 88, true, [0.5, 0.5], 0.6), epoch(1, 90, true, [0.7, 0.3], 0.8)]),
    ];
    const d = studyDiagnostics(records);
    expect(d.tasks).toEqual(['POS']);
    expect(d.pairs).toEqual(['NER+POS']);
    expect(d.rows.map((r) => r.configName)).toEqual(['MTAA']); // base reports neither
    const mtaa = d.rows[0]!;
    expect(mtaa.individualBeta.POS!.mean).toBeCloseTo(0.8, 12);
    expect(mtaa.individualBeta.POS!.std).toBeCloseTo(Math.SQRT2 * 0.1, 12);
    expect(mtaa.discriminator['NER+POS']!.mean).toBeCloseTo(0.85, 12);
    const md = diagnosticsMarkdown(d).split('\n');
    expect(md).toContain('| configuration | β individual: POS | discriminator: NER+POS |');
    expect(md).toContain('| MTAA | 0.800 ± 0.141 | 0.850 ± 0.071 |');
  });

  it('prints nothing for a study whose runs report neither', () => {
    expect(diagnosticsMarkdown(studyDiagnostics([run('base', 1, [epoch(1, 90, true)])]))).toBe('');
  });
});
