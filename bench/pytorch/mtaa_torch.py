#!/usr/bin/env python3
"""
The MTAA tagger of this repository (src/model/tagger.ts, DESIGN.md §2) written in PyTorch, and the
same speed benchmark as `npx mtaa bench` (src/train/benchmark.ts), so that the two can be run side by
side on the same data (issue 4: "torch 1.13 + OpenBLAS, 2 threads, length-sorted batches of 64").

    python3 bench/pytorch/mtaa_torch.py [--data FILE] [--sentences 1024] [--presets paper,small]
                                        [--batch 64] [--threads 2] [--warmup 2] [--seed 1]

`npm run bench:compare` (bench/compare.ts) runs this and `npx mtaa bench --json` one after the
other and prints the ratios.

What is the same as ours, on purpose:
- data: the CoNLL file read like src/data/conllReader.ts (whitespace columns, blank line between
  sentences, -DOCSTART- lines skipped, column 0 the word, every other column a task: POS, chunk, NER
  for CoNLL-2003); the first N sentences; vocabularies as src/data/vocab.ts builds them (words seen
  >= minWordFreq times, code-point characters, <pad> = 0 and <unk> = 1; tag sets without padding).
- batches: src/data/batches.ts `planBatches` ported exactly, its mulberry32 PRNG included, so the
  training batches (seeded shuffle, length sort with 10% noise, shuffled batch order) and the
  decoding batches (strict length order) are the very same sentences in the same order; chars cut
  at maxWordLength, each batch padded to its own longest sentence and longest word.
- the graph and the sizes of the `paper` and `small` presets of src/model/config.ts with their
  default training config (adversary on h^t, attention fusion, λ1 = 0.5 with the domain-adversarial
  ramp, reversed gradient stopped at the shared encoders' input, λ2 = 0.001 on the per-token
  orthogonality term, Adam with inverse-time decay, global-norm clip 5, dropout as configured);
- the benchmark: 2 untimed warm-up training batches, then the rest of the training batches timed,
  then decoding (forward + Viterbi) of all sentences in length order timed; JSON with the fields of
  ours that mean something here (preset, backend "torch-cpu", sentences, tokens, batchSize,
  paddingRatio, parameters, train and decode throughput) plus threads, the BLAS library loaded, the
  vocabulary sizes and the peak RSS; no kernel counts or tfjs memory.

Which BLAS torch loads decides its speed more than anything here (Debian's python3-torch calls
whatever libblas.so.3 resolves to: the reference BLAS unless OpenBLAS is installed). On the 2-core
machine, `small`: ~410 train tokens/s on the reference BLAS, ~2,000 on OpenBLAS's OpenMP build, ~210
on its pthreads build with 2 threads (its spinning threads and torch's OpenMP threads fight for the
cores). bench/compare.ts --torch-blas DIR picks one without installing anything system-wide.

What differs, because it is how one writes it in PyTorch (same values, other arithmetic):
- the LSTMs are torch.nn.LSTM on packed sequences (no work on padded steps; ours computes padded
  steps and masks them, 16% of the slots for `small` on 1,024 sentences);
- the CRF forward algorithm is the usual logsumexp over [B, L, L] per step, Viterbi is batched in
  torch (ours: a scaled exp-space matMul per step, and Viterbi in plain JS);
- nn.LSTM has two bias vectors per layer and direction (bias_ih, bias_hh) where ours has one; here
  bias_hh is frozen at zero (requires_grad False, not in the optimiser), so the trainable parameters
  are exactly ours (see `our_parameter_shapes`) and the arithmetic is the same.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import resource
import sys
import time

PRESETS = {
    # src/model/config.ts: paperModel and defaultTrain
    'paper': {
        'model': {
            'wordDim': 100, 'minWordFreq': 2, 'charDim': 30, 'charFilters': 50, 'charWindow': 3, 'maxWordLength': 20,
            'taskDim': 128, 'individual': (256, 2), 'shared': (256, 2), 'discriminator': (256, 2), 'attentionDim': 256,
            'dropout': 0.5,
        },
        'train': {
            'lambdaAdversarial': 0.5, 'adversarialSchedule': 'ramp', 'reversalReach': 'sharedEncoder',
            'lambdaOrthogonality': 0.001, 'orthogonalityMode': 'perToken', 'learningRate': 0.002,
            'learningRateDecay': 0.05, 'clipNorm': 5.0,
        },
    },
}
PRESETS['small'] = {
    'model': {
        **PRESETS['paper']['model'], 'wordDim': 64, 'charDim': 16, 'charFilters': 32, 'taskDim': 64,
        'individual': (64, 1), 'shared': (64, 1), 'discriminator': (64, 2), 'attentionDim': 64, 'dropout': 0.3,
    },
    'train': {**PRESETS['paper']['train'], 'learningRate': 0.004},
}
DEFAULT_DATA = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../shared/data/conll2003/eng.train'))


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description='PyTorch twin of `npx mtaa bench` (MTAA tagger, same graph and data).')
    p.add_argument('--data', default=DEFAULT_DATA, help='CoNLL file (default: CoNLL-2003 eng.train beside the repository)')
    p.add_argument('--sentences', type=int, default=1024, help='first N sentences (default 1024)')
    p.add_argument('--presets', default='paper,small', help='comma-separated: paper, small')
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--threads', type=int, default=2, help='torch.set_num_threads (and OpenBLAS/OpenMP threads)')
    p.add_argument('--warmup', type=int, default=2, help='untimed training batches first (default 2)')
    p.add_argument('--seed', type=int, default=1, help='config.train.seed (batch order; torch.manual_seed)')
    p.add_argument('--task-columns', default=None, help='tag columns, e.g. 1,2,3 (default: every column after the word column 0)')
    p.add_argument('--adversary-grad', choices=['copies', 'restricted'], default='restricted',
                   help='restricted (default, our graph since the shared encoders\' gradient-cut twin, src/model/lstm.ts '
                        'biLstmTwin): no copies, the adversarial loss is back-propagated separately into the shared encoders and '
                        'discriminators only; copies (our graph before it): the shared encoders also run on gradient-cut copies '
                        'of their inputs for the discriminators ([4B] rows; same gradients, more FLOPs)')
    p.add_argument('--loss-check', type=int, default=0, metavar='STEPS',
                   help='instead of the benchmark: train STEPS steps on the first 4 training batches (round robin), print the '
                        'losses per token and exit 1 unless the last round is below the first')
    p.add_argument('--params', action='store_true',
                   help='instead of the benchmark: build each preset and print its trainable tensors under our names and in our '
                        'shapes (compare with the variables of src/model/taggerParams.ts)')
    p.add_argument('--verbose', action='store_true', help='loss parts of every training step on stderr')
    return p.parse_args(argv)


ARGS = parse_args(sys.argv[1:])
# Before torch loads: OpenBLAS and OpenMP read these when the library is initialised.
os.environ.setdefault('OMP_NUM_THREADS', str(ARGS.threads))
os.environ.setdefault('OPENBLAS_NUM_THREADS', str(ARGS.threads))
try:
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
except ImportError as error:  # pragma: no cover - the message is the point
    sys.stderr.write(f'mtaa_torch: {error}; install PyTorch 1.13 (Debian: apt-get install python3-torch)\n')
    sys.exit(3)


# ---------------------------------------------------------------------------------------------------
# Data: src/data/conllReader.ts, vocab.ts, prng.ts, batches.ts
# ---------------------------------------------------------------------------------------------------

SPACE = re.compile(r'[ \t\n\v\f\r]+')  # isSpaceCode: ASCII space, tab, LF, VT, FF, CR


def read_conll(path: str) -> list[list[list[str]]]:
    """Sentences as cells[column][token], like parseConllText."""
    with open(path, 'rb') as f:
        text = f.read().decode('utf-8')
    if text.startswith('\ufeff'):
        text = text[1:]
    if '\n' not in text and '\r' in text:
        text = text.replace('\r', '\n')
    sentences: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    columns = -1
    for line in text.split('\n'):
        fields = [f for f in SPACE.split(line) if f]
        if not fields or fields[0] == '-DOCSTART-':
            if current:
                sentences.append(current)
            current = None
            continue
        if columns < 0:
            columns = len(fields)
        elif len(fields) != columns:
            raise SystemExit(f'mtaa_torch: {path}: expected {columns} columns, found {len(fields)}: {line!r}')
        if current is None:
            current = [[] for _ in range(columns)]
        for c in range(columns):
            current[c].append(fields[c])
    if current:
        sentences.append(current)
    return sentences


def frequent(counts: dict[str, int], min_count: int) -> list[str]:
    kept = [(t, n) for t, n in counts.items() if n >= min_count]
    # JS: descending count, ties in UTF-16 code-unit order (the same as code points for BMP text)
    kept.sort(key=lambda e: (-e[1], e[0].encode('utf-16-be')))
    return [t for t, _ in kept]


class Vocab:
    def __init__(self, entries: list[str]):
        self.tokens = ['<pad>', '<unk>', *entries]
        self.ids = {t: i for i, t in enumerate(self.tokens)}

    def id(self, token: str) -> int:
        return self.ids.get(token, 1)


def build_vocabularies(words: list[list[str]], tags: list[list[list[str]]], min_word: int):
    wc: dict[str, int] = {}
    cc: dict[str, int] = {}
    for sentence in words:
        for w in sentence:
            wc[w] = wc.get(w, 0) + 1
            for ch in w:
                cc[ch] = cc.get(ch, 0) + 1
    wc.pop('<pad>', None)
    wc.pop('<unk>', None)
    tag_sets = []
    for task in tags:
        tcount: dict[str, int] = {}
        for seq in task:
            for t in seq:
                tcount[t] = tcount.get(t, 0) + 1
        tag_sets.append(frequent(tcount, 1))
    return Vocab(frequent(wc, min_word)), Vocab(frequent(cc, 1)), tag_sets


def mulberry32(seed: int):
    """createRng of src/data/prng.ts, bit for bit (all arithmetic modulo 2^32)."""
    state = seed & 0xFFFFFFFF
    M = 0xFFFFFFFF

    def imul(a: int, b: int) -> int:
        return (a * b) & M

    def rng() -> float:
        nonlocal state
        state = (state + 0x6D2B79F5) & M
        t = state
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & M
        t &= M
        return ((t ^ (t >> 14)) & M) / 4294967296

    return rng


def shuffle_in_place(items: list, rng) -> list:
    for i in range(len(items) - 1, 0, -1):
        j = math.floor(rng() * (i + 1))
        items[i], items[j] = items[j], items[i]
    return items


def plan_batches(lengths: list[int], batch_size: int, seed: int = 0, shuffle: bool = True, padding_noise: float = 0.1) -> list[list[int]]:
    """planBatches of src/data/batches.ts."""
    n = len(lengths)
    rng = mulberry32(seed)
    order = list(range(n))
    if shuffle:
        shuffle_in_place(order, rng)
        keys = [lengths[i] * (1 + padding_noise * (2 * rng() - 1)) for i in range(n)]
    else:
        keys = [float(x) for x in lengths]
    ordered = sorted(order, key=lambda i: keys[i])  # stable, like Array.prototype.sort
    batches = [ordered[s:s + batch_size] for s in range(0, n, batch_size)]
    return shuffle_in_place(batches, rng) if shuffle else batches


class HostBatch:
    """encodeBatch of src/data/batches.ts, as numpy arrays."""

    def __init__(self, words, tags, indices, wv: Vocab, cv: Vocab, tag_ids: list[dict[str, int]], cap: int):
        size = len(indices)
        self.size = size
        self.max_len = max(len(words[i]) for i in indices)
        longest = 1
        for i in indices:
            for w in words[i]:
                longest = max(longest, min(len(w), cap))
        self.max_word_len = min(cap, longest)
        T, W = self.max_len, self.max_word_len
        self.word_ids = np.zeros((size, T), dtype=np.int64)
        self.char_ids = np.zeros((size, T, W), dtype=np.int64)
        self.lengths = np.zeros(size, dtype=np.int64)
        self.tags = [np.zeros((size, T), dtype=np.int64) for _ in tag_ids]
        for r, i in enumerate(indices):
            self.lengths[r] = len(words[i])
            for t, w in enumerate(words[i]):
                self.word_ids[r, t] = wv.id(w)
                for c, ch in enumerate(w[:W]):
                    self.char_ids[r, t, c] = cv.id(ch)
            for k, ids in enumerate(tag_ids):
                fallback = max(ids.get('O', -1), 0)
                for t, tag in enumerate(tags[k][i]):
                    self.tags[k][r, t] = ids.get(tag, fallback)
        self.tokens = int(self.lengths.sum())


class Batch:
    """The batch as tensors (toBatchTensors of src/model/batchTensors.ts)."""

    def __init__(self, host: HostBatch):
        self.size = host.size
        self.max_len = host.max_len
        self.words = torch.from_numpy(host.word_ids)
        self.chars = torch.from_numpy(host.char_ids)
        self.lengths = torch.from_numpy(host.lengths)  # on the CPU, as pack_padded_sequence wants
        self.mask = (torch.arange(host.max_len).unsqueeze(0) < self.lengths.unsqueeze(1)).float()
        self.tags = [torch.from_numpy(t) for t in host.tags]
        self.tokens = host.tokens


# ---------------------------------------------------------------------------------------------------
# Model: src/model/*.ts
# ---------------------------------------------------------------------------------------------------

def glorot_(t: torch.Tensor, fan_in: int, fan_out: int) -> torch.Tensor:
    limit = math.sqrt(6 / (fan_in + fan_out))
    with torch.no_grad():
        return t.uniform_(-limit, limit)


class Embedding(nn.Module):
    """src/model/embedding.ts: word table + char CNN (tanh, max over real chars) → per-task dense → x^t."""

    def __init__(self, vocab: int, chars: int, m: dict, tasks: list[str]):
        super().__init__()
        dw, dc, f, w, k = m['wordDim'], m['charDim'], m['charFilters'], m['charWindow'], m['taskDim']
        self.word = nn.Parameter(torch.empty(vocab, dw).uniform_(-math.sqrt(3 / dw), math.sqrt(3 / dw)))
        self.char = nn.Parameter(torch.empty(chars, dc).uniform_(-math.sqrt(3 / dc), math.sqrt(3 / dc)))
        self.conv_kernel = nn.Parameter(glorot_(torch.empty(f, dc, w), w * dc, w * f))  # ours: [w, dc, F]
        self.conv_bias = nn.Parameter(torch.zeros(f))
        self.dense = nn.ModuleList(nn.Linear(dw + f, k) for _ in tasks)
        for d in self.dense:
            glorot_(d.weight, dw + f, k)
            nn.init.zeros_(d.bias)
        self.window = w
        self.k = k

    def forward(self, words: torch.Tensor, chars: torch.Tensor) -> list[torch.Tensor]:
        b, t, wlen = chars.shape
        n = b * t
        ids = chars.reshape(n, wlen)
        cmask = (ids > 0).float().unsqueeze(2)  # [n, W, 1]
        emb = F.embedding(ids, self.char) * cmask  # pad chars → 0
        left = (self.window - 1) // 2
        x = F.pad(emb.transpose(1, 2), (left, self.window - 1 - left))  # [n, dc, W + w − 1]
        act = torch.tanh(F.conv1d(x, self.conv_kernel, self.conv_bias)).transpose(1, 2)  # [n, W, F]
        masked = act + (cmask - 1) * 1e9
        # amax splits the gradient evenly between tied maxima, as maxOverAxis1 does
        pooled = torch.where(cmask.amax(1) > 0, torch.amax(masked, 1), torch.zeros(()))  # [n, F]
        feats = torch.cat([F.embedding(words.reshape(n), self.word), pooled], 1)
        return [d(feats).reshape(b, t, self.k) for d in self.dense]


class BiLstm(nn.Module):
    """Stacked BiLSTM (src/model/lstm.ts) with our init: Glorot W_ih, W_hh; one bias, 1 on the forget gate."""

    def __init__(self, inp: int, hidden: int, layers: int, dropout: float):
        super().__init__()
        self.lstm = nn.LSTM(inp, hidden, num_layers=layers, bidirectional=True, batch_first=True,
                            dropout=dropout if layers > 1 else 0.0)
        for name, param in self.lstm.named_parameters():
            with torch.no_grad():
                if name.startswith('weight_ih'):
                    glorot_(param, param.shape[1], 4 * hidden)
                elif name.startswith('weight_hh'):
                    glorot_(param, hidden, 4 * hidden)
                elif name.startswith('bias_ih'):
                    param.zero_()
                    param[hidden:2 * hidden] = 1.0  # gate order i, f, g, o in both
                else:  # bias_hh: ours has a single bias per layer and direction
                    param.zero_()
                    param.requires_grad_(False)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        return pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])[0]  # zeros at padding


class GradientReversal(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale):
        ctx.scale = scale
        return x.view_as(x)

    @staticmethod
    def backward(ctx, dy):
        return -ctx.scale * dy, None


class Crf(nn.Module):
    def __init__(self, tags: int):
        super().__init__()
        self.transitions = nn.Parameter(glorot_(torch.empty(tags, tags), tags, tags))
        self.start = nn.Parameter(torch.zeros(tags))
        self.end = nn.Parameter(torch.zeros(tags))

    def nll(self, em: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Mean −log p(tags | em) over the sentences (src/model/crf.ts crfNegLogLikelihood)."""
        b, t, _ = em.shape
        keep = mask.bool()
        alpha = self.start + em[:, 0]
        for i in range(1, t):
            nxt = torch.logsumexp(alpha.unsqueeze(2) + self.transitions, 1) + em[:, i]
            alpha = torch.where(keep[:, i:i + 1], nxt, alpha)
        log_z = torch.logsumexp(alpha + self.end, 1)
        score = self.start[tags[:, 0]] + (em.gather(2, tags.unsqueeze(2)).squeeze(2) * mask).sum(1)
        if t > 1:
            score = score + (self.transitions[tags[:, :-1], tags[:, 1:]] * mask[:, 1:]).sum(1)
        score = score + self.end[tags.gather(1, (lengths - 1).unsqueeze(1)).squeeze(1)]
        return (log_z - score).sum() / max(b, 1)

    def viterbi(self, em: torch.Tensor, mask: torch.Tensor, lengths: list[int]) -> list[list[int]]:
        b, t, n_tags = em.shape
        keep = mask.bool()
        score = self.start + em[:, 0]
        same = torch.arange(n_tags).expand(b, n_tags)
        history = []
        for i in range(1, t):
            best, arg = (score.unsqueeze(2) + self.transitions).max(1)
            m = keep[:, i:i + 1]
            score = torch.where(m, best + em[:, i], score)
            history.append(torch.where(m, arg, same))  # padded steps: identity, so backtracking passes through
        last = (score + self.end).argmax(1)
        path = [last]
        for arg in reversed(history):
            last = arg.gather(1, last.unsqueeze(1)).squeeze(1)
            path.append(last)
        path.reverse()
        rows = torch.stack(path, 1).tolist()
        return [row[:n] for row, n in zip(rows, lengths)]


class Mtaa(nn.Module):
    """src/model/tagger.ts mtaaForward (architecture mtaa, adversary on h^t, attention fusion)."""

    def __init__(self, m: dict, vocab: int, chars: int, tasks: list[str], tag_counts: list[int]):
        super().__init__()
        self.tasks = tasks
        self.pairs = [(a, b) for a in range(len(tasks)) for b in range(a + 1, len(tasks))]
        self.dropout = m['dropout']
        hi, li = m['individual']
        hs, ls = m['shared']
        dh, dl = m['discriminator']
        self.attn = m['attentionDim']
        self.embedding = Embedding(vocab, chars, m, tasks)
        self.individual = nn.ModuleList(BiLstm(m['taskDim'], hi, li, self.dropout) for _ in tasks)
        self.shared = nn.ModuleList(BiLstm(2 * hi, hs, ls, self.dropout) for _ in self.pairs)
        self.discriminators = nn.ModuleList()
        for _ in self.pairs:
            layers = []
            for i in range(dl):
                fan_in = 2 * hs if i == 0 else dh
                fan_out = 2 if i == dl - 1 else dh
                lin = nn.Linear(fan_in, fan_out)
                glorot_(lin.weight, fan_in, fan_out)
                nn.init.zeros_(lin.bias)
                layers.append(lin)
                if i < dl - 1:
                    layers.append(nn.ReLU())
            self.discriminators.append(nn.Sequential(*layers))
        d = 2 * hi
        self.wq = nn.ParameterList(nn.Parameter(glorot_(torch.empty(d, self.attn), d, self.attn)) for _ in tasks)
        self.wk = nn.ParameterList(nn.Parameter(glorot_(torch.empty(d, self.attn), d, self.attn)) for _ in tasks)
        self.emission = nn.ModuleList(nn.Linear(d, n) for n in tag_counts)
        for e, n in zip(self.emission, tag_counts):
            glorot_(e.weight, d, n)
            nn.init.zeros_(e.bias)
        self.crf = nn.ModuleList(Crf(n) for n in tag_counts)

    def drop(self, x: torch.Tensor) -> torch.Tensor:
        return F.dropout(x, self.dropout, self.training)

    def shared_of(self, s: list[tuple[torch.Tensor, ...]], t: int) -> list[torch.Tensor]:
        """s^t_α for every pair α ∋ t, in pair order (copy 0 or 1: the member's own rows)."""
        return [s[p][0] if a == t else s[p][1] for p, (a, b) in enumerate(self.pairs) if t in (a, b)]

    def forward(self, batch: Batch, losses: bool, reversal_scale: float = 0.0, copies_for_adversary: bool = True):
        b = batch.size
        xs = self.embedding(batch.words, batch.chars)
        hs = [enc(x, batch.lengths) for enc, x in zip(self.individual, xs)]
        hd = [self.drop(h) for h in hs]
        # As ours: with the reversed gradient stopped at the shared encoders' input, the discriminators read a
        # second run of the shared encoders over gradient-cut copies of their inputs ([4B] rows).
        cut = losses and copies_for_adversary
        s = []
        for p, (a, c) in enumerate(self.pairs):
            parts = [hd[a], hd[c], hd[a].detach(), hd[c].detach()] if cut else [hd[a], hd[c]]
            out = self.shared[p](torch.cat(parts, 0), batch.lengths.repeat(len(parts)))
            s.append(out.split(b, 0))

        out = {}
        if losses:
            mask = batch.mask
            pool_mask = mask.unsqueeze(2) / mask.sum(1).clamp(min=1).view(b, 1, 1)
            labels = torch.cat([torch.zeros(b, dtype=torch.long), torch.ones(b, dtype=torch.long)])
            adv = []
            acc = []
            for p in range(len(self.pairs)):
                first = 2 if cut else 0
                pooled = torch.cat([(s[p][first] * pool_mask).sum(1), (s[p][first + 1] * pool_mask).sum(1)], 0)
                logits = self.discriminators[p](GradientReversal.apply(pooled, reversal_scale))
                adv.append(F.cross_entropy(logits, labels, reduction='sum') / b)
                acc.append((logits.argmax(1) == labels).float().mean())
            out['adversarial'] = torch.stack(adv).sum()
            out['accuracy'] = acc
            # L_o, 'perToken' (src/model/orthogonality.ts), on h^t and s^t_α before dropout
            m3 = mask.unsqueeze(2)
            t_len = mask.shape[1]
            total = torch.zeros(b)
            for t, h in enumerate(hs):
                i_mat = h * m3
                s_mat = torch.stack(self.shared_of(s, t)).sum(0)
                d_i, d_s = i_mat.shape[2], s_mat.shape[2]
                if t_len * (d_i + d_s) <= d_i * d_s:
                    per = (i_mat @ i_mat.transpose(1, 2) * (s_mat @ s_mat.transpose(1, 2))).sum((1, 2))
                else:
                    per = (i_mat.transpose(1, 2) @ s_mat).square().sum((1, 2))
                total = total + per
            out['orthogonality'] = (total / mask.sum(1).clamp(min=1)).mean()

        emissions = []
        for t in range(len(self.tasks)):
            reps = torch.stack([hd[t], *(self.drop(x) for x in self.shared_of(s, t))], 2)  # [B, T, R, D]
            q = hd[t] @ self.wq[t]  # [B, T, A]
            keys = reps @ self.wk[t]  # [B, T, R, A]
            beta = torch.softmax((keys * q.unsqueeze(2)).sum(-1) / math.sqrt(self.attn), -1)  # [B, T, R]
            fused = (reps * beta.unsqueeze(-1)).sum(2)
            emissions.append(self.emission[t](fused))
        out['emissions'] = emissions
        if losses:
            out['tasks'] = [crf.nll(e, tags, batch.mask, batch.lengths) for crf, e, tags in zip(self.crf, emissions, batch.tags)]
        return out


def our_parameter_shapes(model: Mtaa) -> list[tuple[str, list[int], int]]:
    """Every trainable tensor under our name (src/model/taggerParams.ts) and in our shape."""
    rows: list[tuple[str, list[int], int]] = []

    def add(name: str, shape: list[int], *tensors: torch.Tensor):
        size = sum(t.numel() for t in tensors)
        assert size == math.prod(shape), (name, shape, size)
        rows.append((name, shape, size))

    e = model.embedding
    add('embed.word', list(e.word.shape), e.word)
    add('embed.char', list(e.char.shape), e.char)
    f, dc, w = e.conv_kernel.shape
    add('embed.charConv.kernel', [w, dc, f], e.conv_kernel)
    add('embed.charConv.bias', [f], e.conv_bias)
    for task, d in zip(model.tasks, e.dense):
        add(f'embed.{task}.dense.kernel', [d.in_features, d.out_features], d.weight)
        add(f'embed.{task}.dense.bias', [d.out_features], d.bias)

    def lstm(prefix: str, enc: BiLstm):
        m = enc.lstm
        for l in range(m.num_layers):
            p = {n: getattr(m, f'{n}_l{l}') for n in ('weight_ih', 'weight_hh', 'bias_ih')}
            r = {n: getattr(m, f'{n}_l{l}_reverse') for n in ('weight_ih', 'weight_hh', 'bias_ih')}
            gates, inp = p['weight_ih'].shape
            add(f'{prefix}.layer{l}.wIh', [1, 2, inp, gates], p['weight_ih'], r['weight_ih'])
            add(f'{prefix}.layer{l}.wHh', [1, 2, gates // 4, gates], p['weight_hh'], r['weight_hh'])
            add(f'{prefix}.layer{l}.bias', [1, 2, gates], p['bias_ih'], r['bias_ih'])

    for task, enc in zip(model.tasks, model.individual):
        lstm(f'indiv.{task}', enc)
    pair_names = [f'{model.tasks[a]}+{model.tasks[b]}' for a, b in model.pairs]
    for name, enc in zip(pair_names, model.shared):
        lstm(f'shared.{name}', enc)
    for name, disc in zip(pair_names, model.discriminators):
        for i, lin in enumerate(x for x in disc if isinstance(x, nn.Linear)):
            add(f'disc.{name}.dense{i}.kernel', [lin.in_features, lin.out_features], lin.weight)
            add(f'disc.{name}.dense{i}.bias', [lin.out_features], lin.bias)
    for task, wq, wk in zip(model.tasks, model.wq, model.wk):
        add(f'fusion.{task}.wq', list(wq.shape), wq)
        add(f'fusion.{task}.wk', list(wk.shape), wk)
    for task, em in zip(model.tasks, model.emission):
        add(f'emit.{task}.kernel', [em.in_features, em.out_features], em.weight)
        add(f'emit.{task}.bias', [em.out_features], em.bias)
    for task, crf in zip(model.tasks, model.crf):
        add(f'crf.{task}.transitions', list(crf.transitions.shape), crf.transitions)
        add(f'crf.{task}.start', list(crf.start.shape), crf.start)
        add(f'crf.{task}.end', list(crf.end.shape), crf.end)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert sum(r[2] for r in rows) == trainable, 'a trainable tensor is missing from the name list'
    return rows


# ---------------------------------------------------------------------------------------------------
# Training (src/train/trainer.ts, schedule.ts) and the benchmark (src/train/benchmark.ts)
# ---------------------------------------------------------------------------------------------------

class Trainer:
    def __init__(self, model: Mtaa, train: dict, batches_per_epoch: int, epochs: int = 1, adversary_grad: str = 'copies'):
        self.model = model
        self.train = train
        self.params = [p for p in model.parameters() if p.requires_grad]
        self.adv_params = [p for m in (*model.shared, *model.discriminators) for p in m.parameters() if p.requires_grad]
        # tf.train.adam / HostAdam: β1 0.9, β2 0.999, ε = the backend's epsilon (1e-7 on wasm and cpu)
        self.optimizer = torch.optim.Adam(self.params, lr=train['learningRate'], betas=(0.9, 0.999), eps=1e-7)
        self.batches_per_epoch = batches_per_epoch
        self.total_steps = epochs * batches_per_epoch
        self.adversary_grad = adversary_grad
        self.step = 0

    def lambda_at(self, progress: float) -> float:
        lam = self.train['lambdaAdversarial']
        if self.train['adversarialSchedule'] == 'constant':
            return lam
        p = min(1.0, max(0.0, progress))
        return lam * (2 / (1 + math.exp(-10 * p)) - 1)

    def train_batch(self, batch: Batch) -> list[float]:
        tr = self.train
        lam1 = tr['lambdaAdversarial']
        progress = self.step / self.total_steps if self.total_steps > 0 else 1
        scale = self.lambda_at(progress) / lam1 if lam1 > 0 else 0.0
        for group in self.optimizer.param_groups:
            group['lr'] = tr['learningRate'] / (1 + tr['learningRateDecay'] * self.step / self.batches_per_epoch)
        self.model.train()
        self.optimizer.zero_grad(set_to_none=True)
        restricted = self.adversary_grad == 'restricted'
        out = self.model(batch, losses=True, reversal_scale=scale, copies_for_adversary=not restricted)
        task_sum = torch.stack(out['tasks']).sum()
        main = task_sum + tr['lambdaOrthogonality'] * out['orthogonality']
        adversarial = lam1 * out['adversarial']
        if restricted:
            # θ_s and θ_d only (eq. 6): the same gradients as the gradient-cut copies give, without the copies
            adversarial.backward(inputs=self.adv_params, retain_graph=True)
            main.backward()
        else:
            (main + adversarial).backward()
        if tr['clipNorm'] > 0:
            torch.nn.utils.clip_grad_norm_(self.params, tr['clipNorm'])
        self.optimizer.step()
        self.step += 1
        return [float(main + adversarial), *(float(x) for x in out['tasks']), float(out['adversarial']), float(out['orthogonality'])]

    @torch.no_grad()
    def decode(self, batch: Batch) -> list[list[list[int]]]:
        self.model.eval()
        out = self.model(batch, losses=False)
        lengths = batch.lengths.tolist()
        return [crf.viterbi(e, batch.mask, lengths) for crf, e in zip(self.model.crf, out['emissions'])]


def throughput(seconds: float, batches: list[HostBatch]) -> dict:
    sentences = sum(b.size for b in batches)
    tokens = sum(b.tokens for b in batches)
    return {
        'seconds': seconds,
        'batches': len(batches),
        'sentencesPerSecond': sentences / seconds if seconds > 0 else 0,
        'tokensPerSecond': tokens / seconds if seconds > 0 else 0,
    }


def padding_ratio(batches: list[HostBatch]) -> float:
    slots = sum(b.size * b.max_len for b in batches)
    real = sum(b.tokens for b in batches)
    return (slots - real) / slots if slots else 0.0


def loaded_blas() -> str:
    """The BLAS library this process mapped (Debian's python3-torch uses whatever libblas.so.3 resolves to)."""
    try:
        with open('/proc/self/maps') as maps:
            paths = {line.split()[-1] for line in maps if 'blas' in line.lower() and '/' in line}
        return ', '.join(sorted(os.path.realpath(p) for p in paths)) or 'unknown'
    except OSError:
        return 'unknown'


def build(preset: str, data: dict, seed: int, adversary_grad: str = 'copies'):
    cfg = PRESETS[preset]
    m = cfg['model']
    sentences = data['words']
    wv, cv, tag_lists = build_vocabularies(sentences, data['tags'], m['minWordFreq'])
    tag_ids = [{t: i for i, t in enumerate(tags)} for tags in tag_lists]
    torch.manual_seed(seed)
    model = Mtaa(m, len(wv.tokens), len(cv.tokens), data['tasks'], [len(t) for t in tag_lists])
    lengths = [len(w) for w in sentences]
    encode = lambda plan: [HostBatch(sentences, data['tags'], idx, wv, cv, tag_ids, m['maxWordLength']) for idx in plan]
    train_batches = encode(plan_batches(lengths, ARGS.batch, seed=seed, shuffle=True))
    decode_batches = encode(plan_batches(lengths, ARGS.batch, shuffle=False, padding_noise=0))
    trainer = Trainer(model, cfg['train'], math.ceil(len(sentences) / ARGS.batch), adversary_grad=adversary_grad)
    return model, trainer, train_batches, decode_batches, (len(wv.tokens), len(cv.tokens), [len(t) for t in tag_lists])


def run_preset(preset: str, data: dict) -> dict:
    model, trainer, train_batches, decode_batches, sizes = build(preset, data, ARGS.seed, ARGS.adversary_grad)
    warmup = min(ARGS.warmup, len(train_batches))
    for hb in train_batches[:warmup]:
        trainer.train_batch(Batch(hb))
    timed = train_batches[warmup:]
    start = time.perf_counter()
    for i, hb in enumerate(timed):
        parts = trainer.train_batch(Batch(hb))
        if ARGS.verbose:
            sys.stderr.write(f'  step {warmup + i + 1}: T={hb.max_len} loss {parts[0]:.3f} tasks '
                             f'{" ".join(f"{x:.3f}" for x in parts[1:-2])} adv {parts[-2]:.4f} orth {parts[-1]:.4f}\n')
    train_seconds = time.perf_counter() - start
    start = time.perf_counter()
    for hb in decode_batches:
        trainer.decode(Batch(hb))
    decode_seconds = time.perf_counter() - start
    names = our_parameter_shapes(model)
    result = {
        'preset': preset,
        'backend': 'torch-cpu',
        'sentences': len(data['words']),
        'tokens': sum(b.tokens for b in train_batches),
        'batchSize': ARGS.batch,
        'paddingRatio': padding_ratio(train_batches),
        'parameters': sum(r[2] for r in names),
        'train': throughput(train_seconds, timed),
        'decode': throughput(decode_seconds, decode_batches),
        'threads': torch.get_num_threads(),
        'adversaryGrad': ARGS.adversary_grad,
        'vocabulary': {'words': sizes[0], 'chars': sizes[1], 'tags': dict(zip(data['tasks'], sizes[2]))},
        'maxRssBytes': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }
    return result


def list_parameters(preset: str, data: dict) -> dict:
    model, _, _, _, sizes = build(preset, data, ARGS.seed)
    names = our_parameter_shapes(model)
    return {
        'preset': preset,
        'parameters': sum(r[2] for r in names),
        'vocabulary': {'words': sizes[0], 'chars': sizes[1], 'tags': dict(zip(data['tasks'], sizes[2]))},
        'shapes': {name: shape for name, shape, _ in names},
    }


def loss_check(preset: str, data: dict, steps: int) -> bool:
    """Trains `steps` steps round robin over the first 4 training batches; losses per real token."""
    _, trainer, train_batches, _, _ = build(preset, data, ARGS.seed, ARGS.adversary_grad)
    batches = train_batches[:4]
    rounds: list[float] = []
    for i in range(steps):
        hb = batches[i % len(batches)]
        parts = trainer.train_batch(Batch(hb))
        task_per_token = sum(parts[1:-2]) * hb.size / hb.tokens
        sys.stderr.write(f'  {preset} step {i + 1}: T={hb.max_len} total {parts[0]:.3f} task loss/token {task_per_token:.4f} '
                         f'adv {parts[-2]:.4f} orth {parts[-1]:.4f}\n')
        if i % len(batches) == 0:
            rounds.append(0.0)
        rounds[-1] += task_per_token / len(batches)
    full = rounds if steps % len(batches) == 0 else rounds[:-1]
    ok = len(full) >= 2 and full[-1] < full[0]
    sys.stderr.write(f'  {preset}: task loss per token by round {[round(r, 4) for r in full]}: {"decreasing" if ok else "NOT decreasing"}\n')
    return ok


def main() -> int:
    torch.set_num_threads(ARGS.threads)
    presets = [p for p in ARGS.presets.split(',') if p]
    for p in presets:
        if p not in PRESETS:
            sys.stderr.write(f'mtaa_torch: unknown preset {p}; use paper or small\n')
            return 2
    raw = read_conll(ARGS.data)[:ARGS.sentences]
    columns = len(raw[0])
    task_columns = [int(c) for c in ARGS.task_columns.split(',')] if ARGS.task_columns else list(range(1, columns))
    # Task names as src/data/columnDetection.ts names CoNLL-2003's columns (names only matter for --params).
    default_names = {4: ['POS', 'chunk', 'NER']}.get(columns, [])
    names = [default_names[c - 1] if c - 1 < len(default_names) else f'col{c}' for c in task_columns]
    data = {
        'words': [s[0] for s in raw],
        'tags': [[s[c] for s in raw] for c in task_columns],
        'tasks': names,
    }
    if ARGS.loss_check > 0:
        return 0 if all(loss_check(p, data, ARGS.loss_check) for p in presets) else 1
    if ARGS.params:
        print(json.dumps({'data': ARGS.data, 'sentences': len(raw), 'results': [list_parameters(p, data) for p in presets]}))
        return 0
    results = []
    for preset in presets:
        sys.stderr.write(f'mtaa_torch: {preset} on {len(raw)} sentences (torch {torch.__version__}, {ARGS.threads} threads)…\n')
        result = run_preset(preset, data)
        sys.stderr.write(f'  train {result["train"]["tokensPerSecond"]:.0f} tok/s ({result["train"]["sentencesPerSecond"]:.1f} sent/s), '
                         f'decode {result["decode"]["tokensPerSecond"]:.0f} tok/s, {result["parameters"]:,} parameters\n')
        results.append(result)
    machine = {
        'python': platform.python_version(),
        'torch': torch.__version__,
        'threads': torch.get_num_threads(),
        'interopThreads': torch.get_num_interop_threads(),
        'blas': loaded_blas(),
        'platform': f'{sys.platform}-{platform.machine()}',
        'date': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
    }
    print(json.dumps({'machine': machine, 'data': ARGS.data, 'results': results}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
