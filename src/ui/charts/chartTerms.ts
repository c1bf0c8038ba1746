/**
 * The paper's terms as they appear inside the charts' own text — chart titles, axis labels, legend
 * entries (run labels such as "MTAA → two-step attention fusion" or "E-ADV + average"), line-style
 * keys, loss-part names and live-change markers — found in that text and mapped to their entry of
 * src/core/paperTerms.ts, so a chart explains a term with the same line and paper section as the
 * settings do (issue 15, item 11). Pure TS: the components (ChartText.tsx, LineChartDraw.tsx) render
 * what `termSegments` finds.
 */
import { explainTerm, type PaperTermKey } from '../../core/paperTerms.ts';

/**
 * How each term is written in chart text, longest spelling first where one contains another
 * ("two-step attention" before "attention"…). Word boundaries are explicit: `\b` does not work
 * around Greek letters or hyphens.
 */
export const CHART_TERM_SPELLINGS: readonly { spelling: RegExp; term: PaperTermKey }[] = [
  // λ1 in the schedule chart and markers; λ_adv / lambda_adv as the metrics CSV names it.
  { spelling: /λ1|λ_adv|lambda_adv/, term: 'lambda1' },
  { spelling: /λ2|λ_orth|lambda_orth/, term: 'lambda2' },
  { spelling: /orthogonality/, term: 'orthogonality' },
  { spelling: /adversarial/, term: 'adversarial' },
  { spelling: /adversary on h\^t/, term: 'individualAdversary' },
  { spelling: /[Dd]iscriminators?/, term: 'discriminator' },
  { spelling: /β/, term: 'beta' },
  { spelling: /CRF/, term: 'crf' },
  { spelling: /E-ADV/, term: 'eAdv' },
  { spelling: /no-TD/, term: 'noTd' },
  { spelling: /two-step(?: attention)?/, term: 'twoStep' },
  { spelling: /task dim(?: k)?/, term: 'taskDim' },
  { spelling: /MTAA/, term: 'mtaa' },
  { spelling: /base(?: \(single-task\))?/, term: 'base' },
  { spelling: /iterative/, term: 'iterative' },
  { spelling: /average/, term: 'average' },
  { spelling: /concat/, term: 'concat' },
  // The attention chart's representations: "individual" and "shared:<task>".
  { spelling: /individual/, term: 'individualEncoder' },
  { spelling: /shared(?=:)/, term: 'sharedEncoder' },
  { spelling: /(?:fusion )?attention|fusion/, term: 'fusion' },
  { spelling: /hidden/, term: 'hidden' },
  { spelling: /layers?/, term: 'layers' },
];

/** Letters (any script), digits, `_` and `-`: a spelling must not touch one on either side. */
const WORD = /[\p{L}\p{N}_-]/u;

/** One alternation of every spelling, tried at each position in the table's order. */
const ANY_SPELLING = new RegExp(CHART_TERM_SPELLINGS.map(({ spelling }) => `(${spelling.source})`).join('|'), 'g');

/** A piece of chart text: plain, or a paper term with the key of its explanation. */
export type TermSegment = string | { text: string; term: PaperTermKey };

/**
 * `text` cut into plain pieces and paper terms, in order (joined, the pieces are `text` again):
 * `termSegments('Learning rate and λ1 per step')` → `['Learning rate and ', {text: 'λ1', term:
 * 'lambda1'}, ' per step']`. A spelling counts only as a whole word (`base` in "database" does not).
 */
export function termSegments(text: string): TermSegment[] {
  const out: TermSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(ANY_SPELLING)) {
    const start = match.index;
    const end = start + match[0].length;
    if ((start > 0 && WORD.test(text[start - 1]!)) || (end < text.length && WORD.test(text[end]!))) continue;
    const index = match.slice(1).findIndex((group) => group !== undefined);
    if (start > last) out.push(text.slice(last, start));
    out.push({ text: match[0], term: CHART_TERM_SPELLINGS[index]!.term });
    last = end;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** The terms in `text`, each once, in order of appearance. */
export function termsIn(text: string): PaperTermKey[] {
  return [...new Set(termSegments(text).flatMap((s) => (typeof s === 'string' ? [] : [s.term])))];
}

/**
 * The hover text of a label drawn in SVG (axis labels, markers), where an HTML `<abbr>` cannot go:
 * one line per term it names, or null when it names none.
 */
export function svgTermTitle(text: string): string | null {
  const terms = termsIn(text);
  return terms.length === 0 ? null : terms.map(explainTerm).join('\n');
}
