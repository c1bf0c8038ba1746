/**
 * Line styles of the charts: a run is told apart by its colour (series.ts's palette), the curves of
 * one run by their dash pattern. A chart gives each of its curve kinds (a task's loss, a
 * representation…) a pattern of its own, so no two kinds in one chart look alike, however many
 * tasks a merged dataset brings (issue 15: UPOS and orthogonality were both solid once the seven
 * patterns wrapped around). Pure functions (tested in Node).
 */

/** The hand-picked dash patterns (SVG stroke-dasharray), most distinct first; '' is solid. */
export const DASHES = ['', '8 4', '2 3', '12 3 2 3', '5 4 1 4', '1 3', '16 6'];

/**
 * Patterns after the hand-picked ones: a long dash and `dots` dots (1 to 3) with gaps of 3 or 5,
 * then a dash of growing length; each differs from every earlier one.
 */
function generatedDash(k: number): string {
  const dots = 1 + (k % 3);
  const gap = 3 + 2 * (Math.floor(k / 3) % 2);
  const dash = 10 + 4 * Math.floor(k / 6);
  return [String(dash), ...Array.from({ length: dots }, () => `${gap} 1`), String(gap)].join(' ');
}

/** The dash pattern of the `index`-th curve kind of a chart: distinct for every index. */
export function dashAt(index: number): string {
  const i = Math.max(0, Math.floor(index));
  return i < DASHES.length ? DASHES[i]! : generatedDash(i - DASHES.length);
}

/** One distinct pattern per kind, in the order given (the first solid). */
export function dashesFor(kinds: readonly string[]): Map<string, string> {
  return new Map(kinds.map((kind, i) => [kind, dashAt(i)]));
}
