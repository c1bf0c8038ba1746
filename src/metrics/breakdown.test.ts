/**
 * The per-type breakdown against the oracle, `perl conlleval.pl`, on real files with seeded
 * corruptions: CoNLL-2003 NER (span task: conlleval's own per-type lines) and UD EWT UPOS (plain
 * task: `-r` with an outside tag no token has makes every token a chunk of its tag, so its per-type
 * lines are per-tag token precision/recall); then the confusion folding and the error sentences.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chunkBreakdown, chunkTypeOf, formatConfusion, OTHER_LABEL, tagBreakdown } from './breakdown.ts';
import { confusionMatrix } from './confusion.ts';

const shared = fileURLToPath(new URL('../../../shared/', import.meta.url));

/** Per-type lines of conlleval's report: type → [precision, recall, FB1] as printed, and the found count. */
function perlTypes(gold: string[][], pred: string[][], args: string[] = []): Map<string, { scores: number[]; found: number }> {
  const input = gold.map((g, s) => g.map((tag, t) => `w ${tag} ${pred[s]![t]}\n`).join('') + '\n').join('');
  const run = spawnSync('perl', [`${shared}tools/conlleval.pl`, ...args], { input, encoding: 'utf8', maxBuffer: 1 << 26 });
  expect(run.status, run.stderr).toBe(0);
  const types = new Map<string, { scores: number[]; found: number }>();
  for (const line of run.stdout.split('\n').slice(2)) {
    const m = /^ *(.*): precision: +(\S+)%; recall: +(\S+)%; FB1: +(\S+) {2}(\d+)$/.exec(line);
    if (m) types.set(m[1]!, { scores: [Number(m[2]), Number(m[3]), Number(m[4])], found: Number(m[5]) });
  }
  return types;
}

/** One tag column per sentence from a whitespace-separated file (`skip` drops comment or header lines). */
function readColumn(path: string, column: number, skip: (fields: string[]) => boolean): string[][] {
  const sentences: string[][] = [];
  let current: string[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (line.trim() === '') {
      if (current.length > 0) sentences.push(current);
      current = [];
    } else if (!skip(fields)) current.push(fields[column]!);
  }
  if (current.length > 0) sentences.push(current);
  return sentences;
}

/** Seeded predictions: each tag replaced by a random one of `tagSet` with probability `rate`. */
function corrupt(gold: string[][], tagSet: string[], rate: number, seed: number): string[][] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return gold.map((s) => s.map((tag) => (random() < rate ? tagSet[Math.floor(random() * tagSet.length)]! : tag)));
}

const near = (value: number, printed: number) => expect(Math.abs(value - printed)).toBeLessThanOrEqual(0.005 + 1e-9);

describe('chunkBreakdown on CoNLL-2003 NER (eng.testa, IOB1)', () => {
  const gold = readColumn(`${shared}data/conll2003/eng.testa`, 3, (f) => f[0] === '-DOCSTART-');
  const tagSet = [...new Set(gold.flat())].sort();
  const pred = corrupt(gold, tagSet, 0.05, 7);
  const breakdown = chunkBreakdown(gold, pred);

  it("gives conlleval's per-type precision, recall, F1 and found counts, in its order", () => {
    const oracle = perlTypes(gold, pred);
    expect(breakdown.types.map((t) => t.type)).toEqual([...oracle.keys()]);
    expect(breakdown.types.length).toBeGreaterThanOrEqual(4);
    for (const t of breakdown.types) {
      const line = oracle.get(t.type)!;
      near(t.precision, line.scores[0]!);
      near(t.recall, line.scores[1]!);
      near(t.f1, line.scores[2]!);
      expect(t.predicted).toBe(line.found);
    }
    // support: the gold chunks, which conlleval counts as "found" when gold is scored against itself
    const goldCounts = perlTypes(gold, gold);
    for (const t of breakdown.types) expect(t.support).toBe(goldCounts.get(t.type)?.found ?? 0);
  });

  it('counts every token once in a chunk-type confusion matrix whose diagonal is the tokens of the right type', () => {
    const { labels, counts, folded } = breakdown.confusion;
    expect(folded).toEqual([]);
    expect([...labels].sort()).toEqual([...new Set(gold.flat().map(chunkTypeOf))].sort());
    expect(labels[0]).toBe('O');
    const total = counts.flat().reduce((a, b) => a + b, 0);
    expect(total).toBe(gold.flat().length);
    const diagonal = labels.reduce((n, _, i) => n + counts[i]![i]!, 0);
    const predFlat = pred.flat();
    const sameType = gold.flat().filter((tag, i) => chunkTypeOf(tag) === chunkTypeOf(predFlat[i]!)).length;
    expect(diagonal).toBe(sameType);
  });

  it('lists, per type, the sentences where a chunk of it was missed or spurious', () => {
    const per = breakdown.errors.types.find((t) => t.type === 'PER')!;
    const lost = breakdown.types.find((t) => t.type === 'PER')!;
    expect(per.count).toBeGreaterThan(0);
    expect(per.count).toBeLessThanOrEqual(lost.support + lost.predicted - 2 * lost.correct);
    expect(per.sentences.length).toBe(Math.min(10, per.count));
    for (const s of per.sentences) {
      const one = chunkBreakdown([gold[s]!], [pred[s]!]).types.find((t) => t.type === 'PER')!;
      expect(one.correct < one.support || one.correct < one.predicted).toBe(true);
    }
  });
});

describe('tagBreakdown on UD EWT UPOS (en_ewt-ud-dev.conllu)', () => {
  const gold = readColumn(`${shared}data/ud-ewt/en_ewt-ud-dev.conllu`, 3, (f) => f[0]!.startsWith('#') || /[-.]/.test(f[0]!));
  const tagSet = [...new Set(gold.flat())].sort();
  const pred = corrupt(gold, tagSet, 0.1, 11);
  const breakdown = tagBreakdown(gold, pred, { maxLabels: 8 });

  it("gives per-tag token precision, recall and F1 equal to conlleval -r's per-type lines", () => {
    const oracle = perlTypes(gold, pred, ['-r', '-o', '__none__']);
    expect(new Set(breakdown.types.map((t) => t.type))).toEqual(new Set(oracle.keys()));
    for (const t of breakdown.types) {
      const line = oracle.get(t.type)!;
      near(t.precision, line.scores[0]!);
      near(t.recall, line.scores[1]!);
      near(t.f1, line.scores[2]!);
      expect(t.predicted).toBe(line.found);
      expect(t.support).toBe(gold.flat().filter((tag) => tag === t.type).length);
    }
    const supports = breakdown.types.map((t) => t.support);
    expect(supports).toEqual([...supports].sort((a, b) => b - a));
  });

  it('keeps the most frequent tags in the matrix and sums the rest into (other), losing no token', () => {
    const { labels, counts, folded } = breakdown.confusion;
    expect(labels).toHaveLength(9);
    expect(labels.at(-1)).toBe(OTHER_LABEL);
    expect(folded).toHaveLength(tagSet.length - 8);
    expect(new Set([...labels.slice(0, -1), ...folded])).toEqual(new Set(tagSet));
    const full = confusionMatrix(gold, pred);
    expect(counts.flat().reduce((a, b) => a + b, 0)).toBe(full.total);
    const g = labels.indexOf('NOUN');
    const p = labels.indexOf('VERB');
    const fullCell = full.counts[full.labels.indexOf('NOUN')]![full.labels.indexOf('VERB')]!;
    expect(counts[g]![p]).toBe(fullCell);
    const rare = new Set(folded);
    const predFlat = pred.flat();
    const otherOther = gold.flat().filter((tag, i) => rare.has(tag) && rare.has(predFlat[i]!)).length;
    expect(counts.at(-1)!.at(-1)).toBe(otherOther);
  });
});

describe('error sentences', () => {
  const gold = [['DET', 'NOUN', 'VERB'], ['NOUN', 'VERB'], ['DET', 'NOUN'], ['VERB']];
  const pred = [['DET', 'VERB', 'VERB'], ['NOUN', 'NOUN'], ['DET', 'VERB'], ['VERB']];

  it('lists each off-diagonal cell once per sentence, largest cells first, naming sentences by their ids', () => {
    const b = tagBreakdown(gold, pred, { sentenceIds: [10, 11, 12, 13] });
    expect(b.errors.cells).toEqual([
      { gold: 'NOUN', pred: 'VERB', sentences: [10, 12], count: 2 },
      { gold: 'VERB', pred: 'NOUN', sentences: [11], count: 1 },
    ]);
    expect(b.errors.types.find((t) => t.type === 'VERB')).toEqual({ type: 'VERB', sentences: [10, 11, 12], count: 3 });
    expect(b.errors.types.find((t) => t.type === 'DET')).toBeUndefined();
  });

  it('keeps the first `errorLimit` sentences and counts them all', () => {
    const b = tagBreakdown(gold, pred, { errorLimit: 1 });
    expect(b.errors.cells[0]).toEqual({ gold: 'NOUN', pred: 'VERB', sentences: [0], count: 2 });
  });

  it('names a chunk error by type, boundary errors included', () => {
    const b = chunkBreakdown([['B-PER', 'I-PER', 'O']], [['B-PER', 'B-PER', 'O']]);
    expect(b.types).toEqual([{ type: 'PER', precision: 0, recall: 0, f1: 0, support: 1, predicted: 2, correct: 0 }]);
    expect(b.errors.types).toEqual([{ type: 'PER', sentences: [0], count: 1 }]);
    // the same type on every token: no cell of the type matrix is off the diagonal
    expect(b.errors.cells).toEqual([]);
  });
});

describe('formatConfusion', () => {
  it('prints gold rows and predicted columns aligned, and names the folded labels', () => {
    const text = formatConfusion({ labels: ['O', 'PER', OTHER_LABEL], counts: [[120, 3, 0], [7, 15, 1], [0, 0, 2]], folded: ['LOC', 'MISC'] });
    expect(text).toBe(
      ['gold \\ pred   O PER (other)', 'O           120   3       0', 'PER           7  15       1', '(other)       0   0       2', '(other): LOC MISC', ''].join('\n'),
    );
  });
});
