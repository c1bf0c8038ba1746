/**
 * Axis arithmetic for the live charts: resolving a domain spec against the data, "nice" ticks
 * (steps of 1, 2 or 5 × 10^k, as d3 chooses them) and the value → pixel maps.
 */

/**
 * `roomy` (upper bound only): the data's maximum plus headroom, rounded up to a round number
 * (`roomyMax`), so the newest point never sits on the right edge and the domain moves in steps.
 */
export type DomainBound = number | 'auto' | 'dataMin' | 'dataMax' | 'roomy';
export type Domain = [DomainBound, DomainBound];

/** A tick step of 1, 2 or 5 × 10^k giving about `count` intervals over [lo, hi]. */
export function tickStep(lo: number, hi: number, count: number): number {
  const raw = Math.abs(hi - lo) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const error = raw / power;
  // d3's thresholds: round the raw step to the nearest of 1, 2, 5, 10 on a log scale.
  const factor = error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.SQRT2 ? 2 : 1;
  return factor * power;
}

/** Ticks at multiples of the nice step inside [lo, hi]; integers only when `integer`. */
export function niceTicks(lo: number, hi: number, count: number, integer = false): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (lo === hi) return [lo];
  let step = tickStep(lo, hi, count);
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/** Round upper bounds, per decade: the axis grows through these as the data does. */
const ROOMY_STEPS = [1, 1.5, 2, 3, 4, 5, 6, 8, 10];

/**
 * The smallest round number (1, 1.5, 2, 3, 4, 5, 6 or 8 × 10^k; an integer when `integer`) at or
 * above `max` plus `headroom` of it: an x axis whose data grows (steps, epochs) keeps its domain for
 * a while, and its last point clear of the edge (after epoch 1 the axis runs to 2, not to 1).
 */
export function roomyMax(max: number, integer = false, headroom = 0.1): number {
  if (!Number.isFinite(max) || max <= 0) return 1;
  const target = max * (1 + headroom);
  const decade = 10 ** Math.floor(Math.log10(target));
  for (const step of ROOMY_STEPS) {
    const value = Number((step * decade).toPrecision(12));
    if (value >= target) return integer ? Math.ceil(value) : value;
  }
  return 10 * decade;
}

/**
 * The numeric domain for a spec: numbers are kept, `dataMin`/`dataMax` take the data's extent,
 * `auto` widens the data's extent outward to the nice step (as d3's nice() does). A flat or
 * empty extent becomes a small interval around its value, so a single point still has an axis.
 */
export function resolveDomain(spec: Domain, values: readonly number[], ticks = 5, integer = false): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) {
    min = 0;
    max = 1;
  }
  const step = tickStep(min, max, ticks);
  const pick = (bound: DomainBound, which: 'lo' | 'hi'): number => {
    if (typeof bound === 'number') return bound;
    if (bound === 'dataMin') return min;
    if (bound === 'dataMax') return max;
    if (bound === 'roomy') return which === 'hi' ? roomyMax(max, integer) : min;
    return which === 'lo' ? Math.floor(min / step) * step : Math.ceil(max / step) * step;
  };
  let lo = pick(spec[0], 'lo');
  let hi = pick(spec[1], 'hi');
  if (hi < lo) [lo, hi] = [hi, lo];
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= spec[0] === 0 ? 0 : pad;
    hi += pad;
  }
  return [lo, hi];
}

/** value → pixel along [from, to] (to < from for y axes); log scales need a positive domain. */
export function scaleFn(domain: [number, number], range: [number, number], log = false): (v: number) => number {
  const [d0, d1] = log ? [Math.log10(domain[0]), Math.log10(domain[1])] : domain;
  const span = d1 - d0 || 1;
  const [r0, r1] = range;
  return (v: number) => r0 + (((log ? Math.log10(v) : v) - d0) / span) * (r1 - r0);
}
