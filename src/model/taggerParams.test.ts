/**
 * The weights of a tagger per architecture and ablation (DESIGN.md §2): which parts exist, how many
 * there are (pairs grow as T(T−1)/2), what each shared encoder reads, that the single-task base
 * shares nothing, and every architecture's parameter count against a closed form written here
 * independently of the builder.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BatchTensors } from './batchTensors.ts';
import { mergeConfig, presets, type ModelConfig, type RunConfigPatch } from '../core/config.ts';
import { forward, type ForwardOptions } from './tagger.ts';
import { createTaggerParams, disposeTaggerParams, taskPairs, type ModelDims, type TaggerParams } from './taggerParams.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const VOCAB = 37;
const CHARS = 23;
const TASK_TAGS = [5, 7, 4, 6, 3];
const TASK_NAMES = ['POS', 'CHUNK', 'NER', 'SRL', 'DEP'];

function dims(taskCount: number): ModelDims {
  return {
    vocabSize: VOCAB,
    charVocabSize: CHARS,
    tasks: Array.from({ length: taskCount }, (_, t) => ({ name: TASK_NAMES[t]!, numTags: TASK_TAGS[t]! })),
  };
}

/** Sizes chosen pairwise distinct (where the config allows) so a swapped factor shows in the count. */
const oddSizes: RunConfigPatch = {
  model: {
    embedding: { wordDim: 6, charDim: 5, charFilters: 7, charWindow: 3, taskDim: 9 },
    individual: { hidden: 4, layers: 2 },
    shared: { hidden: 4, layers: 2 },
    discriminator: { hidden: 11, layers: 3 },
    attention: { dim: 13 },
    iterative: { iterations: 2, labelDim: 3 },
    dropout: 0,
  },
};

function modelConfig(patch: RunConfigPatch['model'] = {}, base: RunConfigPatch = oddSizes): ModelConfig {
  const sized = mergeConfig(presets.tiny, base);
  return mergeConfig(sized, { model: patch }).model;
}

const live: TaggerParams[] = [];
function build(config: ModelConfig, taskCount = 3, seed = 7): TaggerParams {
  const params = createTaggerParams(config, dims(taskCount), seed);
  live.push(params);
  return params;
}

afterEach(() => {
  for (const p of live.splice(0)) disposeTaggerParams(p);
});

const names = (p: TaggerParams) => [...p.variables.keys()];
const discNames = (p: TaggerParams) => names(p).filter((n) => n.startsWith('disc.'));

/** A small labelled batch built by hand: B = 3 sentences of lengths 5, 3, 4. */
function makeBatch(taskCount: number, seed = 1): BatchTensors {
  const b = 3;
  const t = 5;
  const w = 4;
  const lengths = Int32Array.from([5, 3, 4]);
  let state = seed;
  const rand = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const words = new Int32Array(b * t);
  const chars = new Int32Array(b * t * w);
  const mask = new Float32Array(b * t);
  for (let r = 0; r < b; r++) {
    for (let i = 0; i < lengths[r]!; i++) {
      words[r * t + i] = 1 + rand(VOCAB - 1);
      mask[r * t + i] = 1;
      const len = 1 + rand(w);
      for (let c = 0; c < len; c++) chars[(r * t + i) * w + c] = 1 + rand(CHARS - 1);
    }
  }
  const tags = TASK_TAGS.slice(0, taskCount).map((numTags) => {
    const ids = new Int32Array(b * t);
    for (let k = 0; k < ids.length; k++) if (mask[k]) ids[k] = rand(numTags);
    return tf.tensor2d(ids, [b, t], 'int32');
  });
  return {
    size: b,
    maxLen: t,
    words: tf.tensor2d(words, [b, t], 'int32'),
    chars: tf.tensor3d(chars, [b, t, w], 'int32'),
    lengths,
    mask: tf.tensor2d(mask, [b, t]),
    tags,
    taskMask: tags.map(() => tf.tensor2d(mask, [b, t])),
    tokens: 12,
  };
}

function disposeBatch(batch: BatchTensors): void {
  tf.dispose([batch.words, batch.chars!, batch.mask, ...(batch.tags as tf.Tensor[]), ...(batch.taskMask as tf.Tensor[])]);
}

const evalOpts: ForwardOptions = {
  training: false,
  seed: 0,
  reversalScale: 1,
  reversalReach: 'full',
  orthogonalityMode: 'raw',
  lossesNeeded: true,
};

describe('createTaggerParams: parts per ablation', () => {
  it('no-TD has no discriminator weights but keeps shared encoders and fusion', () => {
    const p = build(modelConfig({ adversary: 'none' }));
    expect(p.adversary).toBeNull();
    expect(discNames(p)).toEqual([]);
    expect(p.shared).toHaveLength(3);
    expect(names(p).some((n) => n.startsWith('shared.'))).toBe(true);
    expect(names(p).some((n) => n.startsWith('fusion.'))).toBe(true);
    const batch = makeBatch(3);
    try {
      const adversarial = tf.tidy(() => forward(p, batch, evalOpts).adversarial.dataSync()[0]);
      expect(adversarial).toBe(0);
    } finally {
      disposeBatch(batch);
    }
  });

  it('MTAA has one discriminator and one shared encoder per task pair: T(T−1)/2 of them', () => {
    for (const taskCount of [1, 2, 3, 4, 5]) {
      const expectedPairs = (taskCount * (taskCount - 1)) / 2;
      const p = build(modelConfig(), taskCount);
      expect(p.pairs).toHaveLength(expectedPairs);
      expect(p.shared).toHaveLength(expectedPairs);
      const discPairs = new Set(discNames(p).map((n) => n.split('.')[1]));
      expect(discPairs.size).toBe(expectedPairs);
      expect([...discPairs].sort()).toEqual(p.pairs.map((pair) => pair.name).sort());
      const sharedPairs = new Set(names(p).filter((n) => n.startsWith('shared.')).map((n) => n.split('.')[1]));
      expect(sharedPairs.size).toBe(expectedPairs);
      if (taskCount === 1) expect(p.adversary).toBeNull();
      // every unordered pair exactly once, members ordered
      const keys = p.pairs.map(({ a, b }) => `${a}<${b}`);
      expect(new Set(keys).size).toBe(expectedPairs);
      for (const { a, b } of p.pairs) expect(a).toBeLessThan(b);
      disposeTaggerParams(live.pop()!);
    }
    expect(taskPairs(dims(3).tasks).map((q) => q.name)).toEqual(['POS+CHUNK', 'POS+NER', 'CHUNK+NER']);
  });

  it('E-ADV shared encoders read the embedding width k; MTAA shared encoders read 2·kh', () => {
    const eAdv = build(modelConfig({ adversary: 'embedding' }));
    const mtaa = build(modelConfig());
    const k = eAdv.config.embedding.taskDim;
    const twoKh = 2 * mtaa.config.individual.hidden;
    expect(k).not.toBe(twoKh); // else the check below would not tell them apart
    for (const layers of eAdv.shared) expect(layers[0]!.wIh.shape[2]).toBe(k);
    for (const layers of mtaa.shared) expect(layers[0]!.wIh.shape[2]).toBe(twoKh);
    // deeper layers read the shared encoder's own 2·ks either way
    for (const layers of [...eAdv.shared, ...mtaa.shared]) expect(layers[1]!.wIh.shape[2]).toBe(2 * mtaa.config.shared.hidden);
    // E-ADV still has its discriminators (that is what tells it from no-TD)
    expect(discNames(eAdv).length).toBe(discNames(mtaa).length);
    expect(discNames(eAdv).length).toBeGreaterThan(0);
  });

  it('E-ADV feeds the embedding to the shared encoders: the individual encoders do not reach the discriminator loss', () => {
    const batch = makeBatch(3);
    try {
      const run = (p: TaggerParams) =>
        tf.tidy(() => {
          const out = forward(p, batch, evalOpts);
          return { adversarial: out.adversarial.dataSync()[0]!, task: out.taskLosses[0]!.dataSync()[0]! };
        });
      const perturbIndividual = (p: TaggerParams) => {
        for (const [name, v] of p.variables) {
          if (name.startsWith('indiv.')) tf.tidy(() => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.5, 'float32', 99))));
        }
      };
      const eAdv = build(modelConfig({ adversary: 'embedding' }));
      const mtaa = build(modelConfig());

      const eBefore = run(eAdv);
      perturbIndividual(eAdv);
      const eAfter = run(eAdv);
      expect(eAfter.task).not.toBe(eBefore.task); // the perturbation did change the model
      expect(eAfter.adversarial).toBe(eBefore.adversarial);
      expect(eBefore.adversarial).toBeGreaterThan(0);

      const mBefore = run(mtaa);
      perturbIndividual(mtaa);
      const mAfter = run(mtaa);
      expect(mAfter.task).not.toBe(mBefore.task);
      expect(mAfter.adversarial).not.toBe(mBefore.adversarial);
    } finally {
      disposeBatch(batch);
    }
  });

  it('E-ADV: perturbing the embedding does change the discriminator loss', () => {
    const batch = makeBatch(3);
    try {
      const eAdv = build(modelConfig({ adversary: 'embedding' }));
      const adv = () => tf.tidy(() => forward(eAdv, batch, evalOpts).adversarial.dataSync()[0]!);
      const before = adv();
      const dense = eAdv.variables.get('embed.POS.dense.kernel')!;
      tf.tidy(() => dense.assign(tf.mul(dense, 3)));
      expect(adv()).not.toBe(before);
    } finally {
      disposeBatch(batch);
    }
  });
});

describe('createTaggerParams: base shares nothing', () => {
  it('every weight name belongs to exactly one task, and no variable appears under two names', () => {
    const p = build(modelConfig({ architecture: 'base' }));
    const tasks = p.dims.tasks.map((t) => t.name);
    expect(p.pairs).toEqual([]);
    expect(p.shared).toEqual([]);
    expect(p.adversary).toBeNull();
    expect(p.fusion).toEqual([]);
    expect(p.embeddings).toHaveLength(3);
    for (const name of names(p)) {
      const owners = tasks.filter((task) => name.split('.').includes(task));
      expect(owners, name).toHaveLength(1);
      expect(name).not.toContain('+');
    }
    expect(new Set(p.variables.values()).size).toBe(p.variables.size);
    // each task owns the same kinds of weights
    const kinds = tasks.map((task) =>
      names(p)
        .filter((n) => n.split('.').includes(task))
        .map((n) => n.split('.').filter((part) => part !== task).join('.'))
        .sort(),
    );
    expect(kinds[1]).toEqual(kinds[0]);
    expect(kinds[2]).toEqual(kinds[0]);
  });

  it("a task's loss has zero gradient with respect to every weight of the other tasks", () => {
    const p = build(modelConfig({ architecture: 'base' }));
    const tasks = p.dims.tasks.map((t) => t.name);
    const owner = (name: string) => tasks.find((task) => name.split('.').includes(task))!;
    const entries = [...p.variables];
    const batch = makeBatch(3);
    try {
      for (let a = 0; a < tasks.length; a++) {
        const { value, grads } = tf.variableGrads(
          () => forward(p, batch, { ...evalOpts, training: true }).taskLosses[a]!,
          entries.map(([, v]) => v),
        );
        const byName = new Map(entries.map(([name, v]) => [name, grads[v.name]]));
        let ownNonZero = 0;
        for (const [name, g] of byName) {
          const maxAbs = g ? tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]!) : 0;
          if (owner(name) === tasks[a]) {
            if (maxAbs > 0) ownNonZero++;
          } else {
            expect(maxAbs, `∂L_${tasks[a]}/∂${name}`).toBe(0);
          }
        }
        // the task's own weights do get gradient (so the zeros above are not vacuous)
        expect(ownNonZero).toBeGreaterThan(entries.filter(([name]) => owner(name) === tasks[a]).length / 2);
        tf.dispose([value, ...Object.values(grads)]);
      }
    } finally {
      disposeBatch(batch);
    }
  });
});

/**
 * The closed form: counts per group of weights, from the config and the dims only.
 * LSTM layer: 2 directions × (in·4h + h·4h + 4h) (one folded bias per direction).
 */
function expectedCounts(c: ModelConfig, taskCount: number): Record<string, number> {
  const tags = TASK_TAGS.slice(0, taskCount);
  const e = c.embedding;
  const arch = c.architecture;
  const mtaa = arch === 'mtaa';
  const pairs = mtaa ? (taskCount * (taskCount - 1)) / 2 : 0;
  const lstm = (input: number, h: number, layers: number) => {
    let n = 0;
    for (let l = 0; l < layers; l++) {
      const inp = l === 0 ? input : 2 * h;
      n += 2 * (inp * 4 * h + h * 4 * h + 4 * h);
    }
    return n;
  };
  const charCnn = e.charFilters > 0 ? CHARS * e.charDim + e.charWindow * e.charDim * e.charFilters + e.charFilters : 0;
  const dense = (e.wordDim + e.charFilters) * e.taskDim + e.taskDim;
  const tables = VOCAB * e.wordDim + charCnn;
  const embed = arch === 'base' ? taskCount * (tables + dense) : tables + taskCount * dense;

  const labelDim = arch === 'iterative' ? c.iterative.labelDim : 0;
  const indiv = taskCount * lstm(e.taskDim + labelDim, c.individual.hidden, c.individual.layers);
  const D = 2 * c.individual.hidden;
  const sharedIn = c.adversary === 'embedding' ? e.taskDim : D;
  const shared = pairs * lstm(sharedIn, c.shared.hidden, c.shared.layers);

  let disc = 0;
  if (mtaa && c.adversary !== 'none' && pairs > 0) {
    const H = c.discriminator.hidden;
    let mlp = 0;
    for (let i = 0; i < c.discriminator.layers; i++) {
      const fin = i === 0 ? 2 * c.shared.hidden : H;
      const fout = i === c.discriminator.layers - 1 ? 2 : H;
      mlp += fin * fout + fout;
    }
    disc = pairs * mlp;
  }

  const pairsPerTask = taskCount - 1; // in MTAA every task is in T−1 pairs
  const A = c.attention.dim;
  let fusion = 0;
  if (mtaa) {
    if (c.fusion === 'attention') fusion = taskCount * 2 * D * A;
    if (c.fusion === 'twoStep') fusion = taskCount * (pairsPerTask * 2 * D * A + 2 * D * A);
  }
  const emissionIn = mtaa && c.fusion === 'concat' ? (1 + pairsPerTask) * D : D;
  const emit = tags.reduce((n, L) => n + emissionIn * L + L, 0);
  const crf = tags.reduce((n, L) => n + L * L + 2 * L, 0);
  const label = arch === 'iterative' ? tags.reduce((n, L) => n + L * labelDim, 0) : 0;
  return { embed, indiv, shared, disc, fusion, emit, crf, label };
}

function actualCounts(p: TaggerParams): Record<string, number> {
  const counts: Record<string, number> = { embed: 0, indiv: 0, shared: 0, disc: 0, fusion: 0, emit: 0, crf: 0, label: 0 };
  for (const [name, v] of p.variables) {
    const parts = name.split('.');
    const group = parts[0] === 'base' ? parts[2]! : parts[0]!;
    expect(Object.keys(counts), name).toContain(group);
    counts[group]! += v.size;
  }
  return counts;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

describe('createTaggerParams: parameter counts equal the closed form', () => {
  const cases: [string, RunConfigPatch['model']][] = [
    ['MTAA', {}],
    ['no-TD', { adversary: 'none' }],
    ['E-ADV', { adversary: 'embedding' }],
    ['average', { fusion: 'average' }],
    ['concat', { fusion: 'concat' }],
    ['two-step attention', { fusion: 'twoStep' }],
    ['base', { architecture: 'base' }],
    ['iterative', { architecture: 'iterative' }],
  ];
  for (const [label, patch] of cases) {
    it(`${label}`, () => {
      for (const taskCount of [3, 4]) {
        const config = modelConfig(patch);
        const p = build(config, taskCount);
        const expected = expectedCounts(config, taskCount);
        expect(actualCounts(p)).toEqual(expected);
        expect(total(expected)).toBeGreaterThan(0);
        expect(new Set(p.variables.values()).size).toBe(p.variables.size);
        disposeTaggerParams(live.pop()!);
      }
    });
  }

  it('the ablations differ from MTAA exactly where the table says they do', () => {
    const count = (patch: RunConfigPatch['model']) => {
      const p = build(modelConfig(patch), 3);
      const n = total(actualCounts(p));
      disposeTaggerParams(live.pop()!);
      return n;
    };
    const c = modelConfig();
    const D = 2 * c.individual.hidden;
    const H = c.discriminator.hidden;
    const discMlp = 2 * c.shared.hidden * H + H + (H * H + H) + (H * 2 + 2); // 3 dense layers
    const mtaa = count({});
    expect(mtaa - count({ adversary: 'none' })).toBe(3 * discMlp);
    expect(mtaa - count({ adversary: 'embedding' })).toBe(3 * 2 * (D - c.embedding.taskDim) * 4 * c.shared.hidden);
    expect(mtaa - count({ fusion: 'average' })).toBe(3 * 2 * D * c.attention.dim);
    expect(count({ fusion: 'twoStep' }) - mtaa).toBe(3 * 2 * 2 * D * c.attention.dim);
  });

  it('the tiny preset (charFilters > 0, 1-layer encoders) and a word-only embedding (charFilters = 0)', () => {
    for (const patch of [{}, { embedding: { charFilters: 0 } }, { architecture: 'iterative' as const, embedding: { charFilters: 0 } }]) {
      const config = mergeConfig(presets.tiny, { model: patch }).model;
      const p = build(config, 3);
      expect(actualCounts(p)).toEqual(expectedCounts(config, 3));
      if (config.embedding.charFilters === 0) expect(names(p).some((n) => n.includes('char'))).toBe(false);
      disposeTaggerParams(live.pop()!);
    }
  });
});
