/**
 * The one table of the paper's terms as the page uses them: a one-line explanation of each, with
 * the section of Wang et al. 2020 (papers/mtaa-wang-2020.txt) that defines it. Every place that
 * shows a term (settings, ablation names, the inspector, run labels) explains it from here, so a
 * term reads the same everywhere. Pure data.
 */

export interface PaperTerm {
  /** The term as the page shows it. */
  term: string;
  /** One line: what it is in this model. */
  explanation: string;
  /** Where it is defined: the paper's section (or the other source, for terms not in the paper). */
  source: string;
}

export const paperTerms = {
  lambda1: {
    term: 'λ1',
    explanation: 'Weight of the adversarial loss in L = Σ L_t + λ1·L_adv + λ2·L_o; 0 turns the task discriminators off',
    source: 'paper §III-E, eq. 12',
  },
  lambda2: {
    term: 'λ2',
    explanation: 'Weight of the orthogonality loss L_o, which keeps each task\'s individual and shared representations from repeating the same features',
    source: 'paper §III-C eq. 9, §III-E eq. 12',
  },
  orthogonality: {
    term: 'orthogonality',
    explanation: 'L_o = Σ_t ‖Σ_α (I^t)ᵀ S^t_α‖²_F: penalises overlap between a task\'s individual representation and its shared ones before fusion',
    source: 'paper §III-C, eq. 9',
  },
  adversarial: {
    term: 'adversarial loss',
    explanation: 'Each pair\'s task discriminator learns which task a shared representation came from; the shared encoder is trained through a reversed gradient to fool it',
    source: 'paper §III-B',
  },
  discriminator: {
    term: 'task discriminator',
    explanation: 'Per task pair: an MLP over the mean-pooled shared representation that guesses which of the two tasks it came from (its accuracy near 50% means the shared encoder hides the task)',
    source: 'paper §III-B.2',
  },
  sharedEncoder: {
    term: 'shared encoder',
    explanation: 'Per task pair: a BiLSTM run over each member task\'s individual representation, meant to keep only what the two tasks share',
    source: 'paper §III-B.1',
  },
  individualEncoder: {
    term: 'individual encoder',
    explanation: 'Per task: embedding (word table + character CNN → dense layer to k) and a BiLSTM with no parameters shared with other tasks',
    source: 'paper §III-A',
  },
  taskDim: {
    term: 'task dim k',
    explanation: 'Size k of each task\'s word vectors x^t: a dense layer per task maps the shared word and character features to k dimensions',
    source: 'paper §III-A.1',
  },
  hidden: {
    term: 'hidden (per direction)',
    explanation: 'Units of each BiLSTM direction in the individual and shared encoders (a representation has twice this many)',
    source: 'paper §III-A.2, §IV-B',
  },
  layers: {
    term: 'BiLSTM layers',
    explanation: 'Stacked BiLSTM layers in each individual and shared encoder',
    source: 'paper §III-A.2, §IV-B',
  },
  fusion: {
    term: 'fusion attention',
    explanation: 'Per task and token: attention over the individual representation and the task\'s shared ones (weights β) merges them into one representation for the decoder',
    source: 'paper §III-C, eqs. 6–8',
  },
  beta: {
    term: 'β',
    explanation: 'Fusion attention weight of one representation (individual, or shared with another task) for one token; a token\'s weights sum to 1',
    source: 'paper §III-C, eq. 7',
  },
  average: {
    term: 'average',
    explanation: 'Ablation: the individual and shared representations are averaged instead of attended over',
    source: 'paper §IV-E.2, Table VII',
  },
  concat: {
    term: 'concat',
    explanation: 'Ablation: the individual and shared representations are concatenated instead of attended over',
    source: 'paper §IV-E.2, Table VII',
  },
  twoStep: {
    term: 'two-step attention',
    explanation: 'Ablation: attend the individual representation with each shared one separately, then attend over those middle results',
    source: 'paper §IV-E.2, Table VII',
  },
  mtaa: {
    term: 'MTAA',
    explanation: 'The full model: individual encoders, adversarial shared encoders per task pair, fusion attention and a CRF per task',
    source: 'paper §III',
  },
  individualAdversary: {
    term: 'individual (MTAA)',
    explanation: 'The shared encoders and discriminators read the individual encoders\' output h^t, as MTAA does',
    source: 'paper §III-B',
  },
  eAdv: {
    term: 'E-ADV',
    explanation: 'Ablation: the shared encoders and discriminators read the embedding output x^t instead of h^t',
    source: 'paper §IV-E.1, Table VI',
  },
  noTd: {
    term: 'no-TD',
    explanation: 'Ablation: no task discriminator (λ1 = 0); shared encoders and fusion are kept, so task-specific noise can pass between tasks',
    source: 'paper §IV-E.1, Table VI',
  },
  base: {
    term: 'base',
    explanation: 'Single-task baseline: per task an embedding, individual encoder and CRF; nothing is shared between tasks',
    source: 'paper §IV-E.1, Table VI',
  },
  iterative: {
    term: 'iterative',
    explanation: 'Per-task encoders whose input at iteration k ≥ 1 also carries the other tasks\' predicted label distributions of iteration k − 1',
    source: 'Gui et al. 2018 (papers/iterative-mtl-gui-2018-abstract.txt), not in the MTAA paper',
  },
  crf: {
    term: 'CRF',
    explanation: 'Per task: a linear-chain conditional random field over the fused representation decodes the tag sequence (Viterbi)',
    source: 'paper §III-D',
  },
} as const satisfies Record<string, PaperTerm>;

export type PaperTermKey = keyof typeof paperTerms;

/** The hover text of a term: `λ1 — weight of … (paper §III-E, eq. 12)`. */
export function explainTerm(key: PaperTermKey): string {
  const { term, explanation, source } = paperTerms[key];
  return `${term} — ${explanation} (${source})`;
}

/** The term each ablation name of src/core's `ablations` stands for (study checkboxes, run labels). */
export const ablationTerms: Readonly<Record<string, PaperTermKey>> = {
  MTAA: 'mtaa',
  'no-TD': 'noTd',
  'E-ADV': 'eAdv',
  average: 'average',
  concat: 'concat',
  'two-step attention': 'twoStep',
  base: 'base',
  iterative: 'iterative',
};

/** The term of each choice of the config's choice fields (their select options), by field and value. */
export const choiceTerms: Readonly<Record<'architecture' | 'adversary' | 'fusion', Readonly<Record<string, PaperTermKey>>>> = {
  architecture: { mtaa: 'mtaa', base: 'base', iterative: 'iterative' },
  adversary: { individual: 'individualAdversary', embedding: 'eAdv', none: 'noTd' },
  fusion: { attention: 'fusion', average: 'average', concat: 'concat', twoStep: 'twoStep' },
};
