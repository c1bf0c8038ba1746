import { describe, expect, it } from 'vitest';
import { mergePatches, parseStudySpec, resolvePath, studyRuns, trainArguments } from './spec.ts';

const ablations = ['MTAA', 'no-TD', 'base'];
const parse = (spec: unknown) => parseStudySpec(JSON.stringify(spec), 'studies/x.json', '/home/r/studies', ablations);
const valid = { train: '../data/train.conll', dev: '/data/dev.conll', epochs: 2, seeds: [1, 2], configurations: ['MTAA', { name: 'MTAA λ1=0.1', ablation: 'MTAA', config: { train: { lambdaAdversarial: 0.1 } } }, 'base'], baseline: 'base' };

describe('study spec', () => {
  it('resolves paths against the spec, defaults the rest and lists runs configuration-major', () => {
    const spec = parse(valid);
    expect(spec.train).toBe('/home/r/data/train.conll');
    expect(spec.dev).toBe('/data/dev.conll');
    expect(spec.preset).toBe('small');
    expect(spec.bootstrap).toEqual({ samples: 1000, seed: 1 });
    expect(studyRuns(spec).map((r) => `${r.index}:${r.id}`)).toEqual(['0:MTAA-seed1', '1:MTAA-seed2', '2:MTAA_1_0.1-seed1', '3:MTAA_1_0.1-seed2', '4:base-seed1', '5:base-seed2']);
    expect(resolvePath('/a/b', './c/../d')).toBe('/a/b/d');
  });

  it('builds the mtaa train command of a run, merging the common and the configuration patch', () => {
    const spec = parse({ ...valid, config: { train: { batchSize: 8 } }, maxSentences: 50 });
    const args = trainArguments(spec, studyRuns(spec)[3]!, { modelDir: '/o/m', threads: 2 });
    expect(args.join(' ')).toBe(
      'train --train /home/r/data/train.conll --dev /data/dev.conll --preset small --ablation MTAA --config {"train":{"batchSize":8,"lambdaAdversarial":0.1}} --epochs 2 --seed 2 --max-sentences 50 --backend wasm --threads 2 --out /o/m',
    );
    expect(mergePatches({ a: { b: 1, c: 2 } }, { a: { c: 3 } })).toEqual({ a: { b: 1, c: 3 } });
  });

  it('runs basic and BERT rows in one study: --bert with the spec\'s checkpoint only where a row asks for it (Table VIII)', () => {
    const spec = parse({
      ...valid,
      bert: '../bert-base-cased',
      configurations: ['base', 'MTAA', { name: 'base + BERT', ablation: 'base', bert: true }, { name: 'MTAA + BERT', ablation: 'MTAA', bert: true }],
      baseline: 'base',
    });
    expect(spec.bert).toBe('/home/r/bert-base-cased');
    const commands = studyRuns(spec).map((run) => trainArguments(spec, run, { modelDir: '/o/m', threads: 1 }));
    const withBert = commands.map((args) => (args.includes('--bert') ? args[args.indexOf('--bert') + 1] : null));
    expect(withBert).toEqual([null, null, null, null, '/home/r/bert-base-cased', '/home/r/bert-base-cased', '/home/r/bert-base-cased', '/home/r/bert-base-cased']);
    expect(commands[6]!.slice(commands[6]!.indexOf('--ablation'), commands[6]!.indexOf('--ablation') + 2)).toEqual(['--ablation', 'MTAA']);
    expect(() => parse({ ...valid, configurations: [{ name: 'MTAA + BERT', ablation: 'MTAA', bert: true }] })).toThrow(
      'studies/x.json: configurations[0].bert: asks for BERT features, but the spec has no "bert" checkpoint folder',
    );
    expect(() => parse({ ...valid, bert: 'b', configurations: [{ name: 'x', bert: 'yes' }] })).toThrow('studies/x.json: configurations[0].bert: must be true or false, got "yes"');
  });

  it('names the file and the field at fault', () => {
    expect(() => parseStudySpec('{', 'studies/x.json', '/', ablations)).toThrow(/^studies\/x.json: not valid JSON/);
    expect(() => parse({ ...valid, epochs: 0 })).toThrow('studies/x.json: epochs: must be a positive integer, got 0');
    expect(() => parse({ ...valid, seeds: [1, -1] })).toThrow('studies/x.json: seeds[1]: must be a non-negative integer, got -1');
    expect(() => parse({ ...valid, seeds: [1, 1] })).toThrow('seeds: lists a seed twice');
    expect(() => parse({ ...valid, configurations: ['MTAA', 'E-ADV'] })).toThrow(/configurations\[1\]: unknown ablation "E-ADV" \(known: MTAA, no-TD, base\)/);
    expect(() => parse({ ...valid, configurations: [{ name: 'x', ablation: 'nope' }] })).toThrow(/configurations\[0\].ablation: unknown ablation "nope"/);
    expect(() => parse({ ...valid, configurations: [{ name: 'x', confg: {} }] })).toThrow(/configurations\[0\].confg: unknown field/);
    expect(() => parse({ ...valid, baseline: 'no-TD' })).toThrow(/baseline: must name one of the configurations/);
    expect(() => parse({ ...valid, preset: 'huge' })).toThrow(/preset: must be paper, small or tiny/);
    expect(() => parse({ ...valid, train: undefined })).toThrow(/train: must be a file path/);
    expect(() => parse({ ...valid, epoch: 3 })).toThrow(/epoch: unknown field/);
    expect(() => parse({ ...valid, backend: 'cuda' })).toThrow(/backend: must be wasm, cpu or webgpu/);
  });
});
