import { describe, expect, it } from 'vitest';
import { presets } from '../core/config.ts';
import { bertNeeded, resumableWith } from './bertNeeded.ts';

const withBert = structuredClone(presets.tiny);
withBert.model.embedding.bert = { mode: 'concat', layer: -1, mixLastFour: false, pooling: 'first', hiddenSize: 32 };
const run = { label: 'MTAA + BERT', config: withBert, bert: { checkpoint: 'tiny-bert.zip', hash: 'a'.repeat(64) } };

describe('bertNeeded', () => {
  it('names the checkpoint to drop while none or another one is loaded, and nothing once it is', () => {
    expect(bertNeeded(run, null)).toBe(
      'No BERT checkpoint is loaded in this session: MTAA + BERT was trained with the features of "tiny-bert.zip". Drop "tiny-bert.zip" (its folder or zip) on the BERT panel to tag text with it.',
    );
    expect(bertNeeded(run, { name: 'other', hash: 'b'.repeat(64) })).toMatch(/^The loaded BERT checkpoint "other" is not the one MTAA \+ BERT was trained with \("tiny-bert\.zip"\)\. Drop "tiny-bert\.zip"/);
    expect(bertNeeded(run, { name: 'renamed folder', hash: 'a'.repeat(64) })).toBeNull();
  });

  it('asks nothing of runs without BERT; a run that does not name its checkpoint only asks for one', () => {
    expect(bertNeeded({ label: 'MTAA', config: presets.tiny }, null)).toBeNull();
    expect(bertNeeded(undefined, null)).toBeNull();
    const unnamed = { label: 'old', config: withBert };
    expect(bertNeeded(unnamed, null)).toMatch(/^No BERT checkpoint is loaded in this session: old was trained with BERT features\./);
    expect(bertNeeded(unnamed, { name: 'any', hash: 'c'.repeat(64) })).toBeNull();
  });

  it('resumes the waiting runs whose checkpoint was dropped', () => {
    const runs = { 'run-1': { info: run }, 'run-2': { info: { ...run, bert: { checkpoint: 'x', hash: 'd'.repeat(64) } } } };
    expect(resumableWith(['run-1', 'run-2', 'run-3'], runs, { hash: 'a'.repeat(64) })).toEqual(['run-1']);
  });
});
