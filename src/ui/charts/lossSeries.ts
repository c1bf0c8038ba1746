/**
 * (b) The loss parts per reporting interval, as series: each task's CRF loss, the adversarial and
 * the orthogonality term, optionally the total. A run keeps its colour; each part has a dash pattern
 * of its own in the chart (lineStyles.ts). The orthogonality term (raw, ~10³–10⁷) is drawn against
 * its own axis on the right, so it does not flatten the CRF losses (~1–100) on the left.
 */
import type { StepEvent } from '../../protocol.ts';
import { dashesFor } from './lineStyles.ts';
import { allRuns, distinct, MAX_STEP_POINTS, shownRuns, stepPoints, type RunsView, type Series, type StyleKey } from './series.ts';

/** `total`, `task:<name>` for each task's CRF loss, `adversarial`, `orthogonality`. */
export type LossPart = string;

/** The part drawn against the right axis. */
export const RIGHT_AXIS_PART: LossPart = 'orthogonality';

/** The loss parts present in any run's step reports, in a stable order. */
export function lossParts(view: RunsView): LossPart[] {
  const tasks = distinct(allRuns(view).flatMap((run) => (run.steps[0] ? Object.keys(run.steps[0].loss.tasks) : [])));
  const any = allRuns(view).some((run) => run.steps.length > 0);
  return any ? ['total', ...tasks.map((t) => `task:${t}`), 'adversarial', 'orthogonality'] : [];
}

/** The parts shown until the user picks: the terms of the objective (not their weighted sum). */
export function defaultLossParts(parts: readonly LossPart[]): LossPart[] {
  return parts.filter((p) => p !== 'total');
}

export function lossPartLabel(part: LossPart): string {
  if (part === RIGHT_AXIS_PART) return `${part} (right axis)`;
  return part.startsWith('task:') ? `${part.slice(5)} (CRF)` : part;
}

function pickLossPart(part: LossPart): (e: StepEvent) => number | undefined {
  if (part === 'total') return (e) => e.loss.total;
  if (part === 'adversarial') return (e) => e.loss.adversarial;
  if (part === 'orthogonality') return (e) => e.loss.orthogonality;
  const task = part.slice(5);
  return (e) => e.loss.tasks[task];
}

/**
 * The dash of each loss part: tasks first (the first one solid), then the adversarial and the
 * orthogonality term, the total last; one pattern per part, fixed by the list of all parts, so it
 * does not change when parts are shown or hidden.
 */
export function lossPartDashes(allParts: readonly LossPart[]): Map<LossPart, string> {
  return dashesFor([...allParts.filter((p) => p !== 'total'), ...allParts.filter((p) => p === 'total')]);
}

export function lossPartDash(allParts: readonly LossPart[], part: LossPart): string {
  return lossPartDashes(allParts).get(part) ?? '';
}

/** The line-style key of the shown loss parts. */
export function lossPartKeys(allParts: readonly LossPart[], shown: readonly LossPart[]): StyleKey[] {
  const dashes = lossPartDashes(allParts);
  return allParts.flatMap((part) => (shown.includes(part) ? [{ label: lossPartLabel(part), dash: dashes.get(part)! }] : []));
}

/**
 * One series per visible run and shown part. On a log scale non-positive values are left out
 * (log 0 is undefined); the adversarial and orthogonality terms are left out for runs where they
 * are identically zero (no discriminators, no shared encoders). The orthogonality term is on the
 * right axis.
 */
export function lossSeries(
  view: RunsView,
  allParts: readonly LossPart[],
  shown: readonly LossPart[],
  options: { log?: boolean; maxPoints?: number } = {},
): Series[] {
  const opts = { log: options.log ?? false, maxPoints: options.maxPoints ?? MAX_STEP_POINTS };
  const dashes = lossPartDashes(allParts);
  const out: Series[] = [];
  for (const { run, color } of shownRuns(view)) {
    allParts.forEach((part) => {
      if (!shown.includes(part)) return;
      const pick = pickLossPart(part);
      const points = stepPoints(run.steps, `loss:${part}`, pick, opts);
      if (points.length === 0) return;
      if ((part === 'adversarial' || part === 'orthogonality') && points.every((p) => p.y === 0)) return;
      out.push({
        key: `${run.info.runId}:${part}`,
        runId: run.info.runId,
        name: `${run.info.label} · ${lossPartLabel(part)}`,
        color,
        dash: dashes.get(part)!,
        axis: part === RIGHT_AXIS_PART ? 'right' : 'left',
        points,
      });
    });
  }
  return out;
}
