import { memo, useMemo, useState, type MouseEvent } from 'react';
import { niceTicks, resolveDomain, scaleFn, type Domain } from './chartScale.ts';
import { SvgChartText } from './ChartText.tsx';
import { formatNumber, valuesAt, type Marker, type Point, type Series } from './series.ts';

export interface AxisOptions {
  label?: string;
  domain?: Domain;
  scale?: 'linear' | 'log';
  ticks?: number[];
  format?: (value: number) => string;
}

export interface LineChartDrawProps {
  /** One line per series, each with its own points (runs need not share x values). */
  series: Series[];
  /** Vertical reference lines with a label (live changes). */
  markers?: Marker[];
  /** Horizontal reference lines (e.g. chance level). */
  referenceY?: { y: number; label: string }[];
  xLabel: string;
  /** Integer x ticks (epochs). */
  integerX?: boolean;
  xDomain?: Domain;
  left?: AxisOptions;
  /** Present when some series have `axis: 'right'`. */
  right?: AxisOptions;
  /** Dots on the points (epoch charts, up to 40 points a series and MAX_DOTS a chart; step charts have too many). */
  dots?: boolean;
  height?: number;
  /** A fixed width in pixels; by default the chart fills its container's width. */
  width?: number;
}

const FONT = 11;
/**
 * Dots only up to this many in a chart: past it (ten runs' attention, three representations each)
 * they hide the lines they mark and add hundreds of SVG nodes that every redraw lays out and paints.
 */
export const MAX_DOTS = 120;
const GRID = '#eceff3';
const AXIS = '#6b7280';

interface YAxisLayout {
  domain: [number, number];
  ticks: number[];
  y: (v: number) => number;
  log: boolean;
  format: (v: number) => string;
}

/** The smallest and largest finite value of the points' `pick` (positive ones only on a log scale), or none. */
function extent(series: readonly Series[], pick: (p: Point) => number, positive = false): number[] {
  let min = Infinity;
  let max = -Infinity;
  for (const s of series)
    for (const p of s.points) {
      const v = pick(p);
      if (!Number.isFinite(v) || (positive && v <= 0)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  return min <= max ? [min, max] : [];
}

function yAxisLayout(options: AxisOptions, series: readonly Series[], extra: readonly number[], range: [number, number]): YAxisLayout {
  const log = options.scale === 'log';
  const usable = [...extent(series, (p) => p.y, log), ...(log ? extra.filter((v) => v > 0) : extra)];
  const domain = resolveDomain(options.domain ?? ['auto', 'auto'], usable);
  if (log && domain[0] <= 0) domain[0] = Math.min(...usable.filter((v) => v > 0), domain[1] / 10);
  const ticks = (options.ticks ?? (log ? [] : niceTicks(domain[0], domain[1], 5))).filter((t) => t >= domain[0] - 1e-12 && t <= domain[1] + 1e-12);
  return { domain, ticks, y: scaleFn(domain, range, log), log, format: options.format ?? formatNumber };
}

/**
 * The axis for a domain, kept (same object, same scale function) while the domain and the ticks do
 * not change: the curves' paths depend on it, and an unchanged scale lets every unchanged curve
 * skip its redraw.
 */
function useStableAxis(axis: YAxisLayout): YAxisLayout;
function useStableAxis(axis: YAxisLayout | null): YAxisLayout | null;
function useStableAxis(axis: YAxisLayout | null): YAxisLayout | null {
  const key = axis ? JSON.stringify([axis.domain, axis.ticks, axis.log]) : '';
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the key says everything the axis is
  return useMemo(() => axis, [key, axis?.format]);
}

/** An SVG path through the points, broken where a value cannot be drawn (NaN, ≤ 0 on a log scale). */
function linePath(points: readonly Point[], x: (v: number) => number, y: (v: number) => number, log: boolean): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (!Number.isFinite(p.y) || (log && p.y <= 0)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`;
    pen = true;
  }
  return d;
}

/**
 * One curve. Memoised on its points array and scale functions: when a chart redraws because one
 * run reported, the other runs' curves (same points, same domain) are not rebuilt, nor their DOM
 * touched, so the browser re-lays out and repaints only the curves that changed.
 */
const SeriesPath = memo(function SeriesPath({ series, x, y, log }: { series: Series; x: (v: number) => number; y: (v: number) => number; log: boolean }) {
  return <path data-testid="chart-line" data-series={series.key} d={linePath(series.points, x, y, log)} stroke={series.color} strokeDasharray={series.dash || undefined} />;
}, samePath);

/** Props equal for drawing: the same points array, scales, colour and dash (series objects are rebuilt on every sample). */
function samePath(a: { series: Series; x: unknown; y: unknown; log: boolean }, b: { series: Series; x: unknown; y: unknown; log: boolean }): boolean {
  return a.x === b.x && a.y === b.y && a.log === b.log && a.series.points === b.series.points && a.series.key === b.series.key && a.series.color === b.series.color && a.series.dash === b.series.dash;
}

const SeriesDots = memo(function SeriesDots({ series, x, y, log }: { series: Series; x: (v: number) => number; y: (v: number) => number; log: boolean }) {
  return (
    <g fill="white" stroke={series.color}>
      {series.points
        .filter((p) => Number.isFinite(p.y) && (!log || p.y > 0))
        .map((p) => (
          <circle key={p.x} data-testid="chart-dot" cx={x(p.x)} cy={y(p.y)} r={2.5} />
        ))}
    </g>
  );
}, samePath);

/**
 * The live line chart, drawn as plain SVG: one `<path>` per series, the axes' ticks and labels,
 * dashed run-coloured reference lines for live changes, and a hover read-out. A redraw is one cheap
 * React render with no layout measurement (recharts 3 rendered each chart twice — once more in an
 * animation frame — and measured tick text with forced layouts: 20–65 ms per chart here, too slow
 * for live data under the 50 ms long-task budget).
 */
export function LineChartDraw({ series, markers = [], referenceY = [], xLabel, integerX = false, xDomain, left = {}, right, dots = false, height = 220, width }: LineChartDrawProps & { width: number }) {
  const [hoverX, setHoverX] = useState<number | null>(null);
  const margin = { top: 14, right: right ? 56 : 16, bottom: 34, left: 62 };
  const plot = { x0: margin.left, x1: Math.max(margin.left + 10, width - margin.right), y0: margin.top, y1: height - margin.bottom };
  const showDots = dots && series.every((s) => s.points.length <= 40) && series.reduce((n, s) => n + s.points.length, 0) <= MAX_DOTS;

  const xExtent = useMemo(() => [...extent(series, (p) => p.x), ...markers.map((m) => m.x)], [series, markers]);
  const xd = resolveDomain(xDomain ?? ['dataMin', 'dataMax'], xExtent, 5, integerX);
  const [xd0, xd1] = xd;
  const x = useMemo(() => scaleFn([xd0, xd1], [plot.x0, plot.x1]), [xd0, xd1, plot.x0, plot.x1]);
  const xTicks = useMemo(() => niceTicks(xd0, xd1, Math.max(2, Math.floor((plot.x1 - plot.x0) / 70)), integerX), [xd0, xd1, plot.x0, plot.x1, integerX]);
  const leftAxis = useStableAxis(
    useMemo(() => yAxisLayout(left, series.filter((s) => s.axis !== 'right'), referenceY.map((r) => r.y), [plot.y1, plot.y0]), [left, series, referenceY, plot.y0, plot.y1]),
  );
  const rightAxis = useStableAxis(useMemo(() => (right ? yAxisLayout(right, series.filter((s) => s.axis === 'right'), [], [plot.y1, plot.y0]) : null), [right, series, plot.y0, plot.y1]));

  const axisOf = (s: Series) => (s.axis === 'right' && rightAxis ? rightAxis : leftAxis);
  const hovered = hoverX === null ? [] : valuesAt(series, hoverX);

  const onMove = (event: MouseEvent<SVGRectElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const px = event.clientX - box.left;
    const value = xd[0] + (px / Math.max(1, box.width)) * (xd[1] - xd[0]);
    setHoverX(integerX ? Math.round(value) : value);
  };

  return (
    <div className="line-chart-draw" style={{ position: 'relative', width, height }}>
      <svg width={width} height={height} role="img" aria-label={`${left.label ?? 'value'} by ${xLabel}`} fontSize={FONT} fontFamily="system-ui, sans-serif">
        <g stroke={GRID}>
          {xTicks.map((t) => (
            <line key={`gx${t}`} x1={x(t)} x2={x(t)} y1={plot.y0} y2={plot.y1} />
          ))}
          {leftAxis.ticks.map((t) => (
            <line key={`gy${t}`} x1={plot.x0} x2={plot.x1} y1={leftAxis.y(t)} y2={leftAxis.y(t)} />
          ))}
        </g>
        <g fill={AXIS}>
          {xTicks.map((t) => (
            <text key={`tx${t}`} x={x(t)} y={plot.y1 + 14} textAnchor="middle">
              {formatNumber(t)}
            </text>
          ))}
          <SvgChartText x={(plot.x0 + plot.x1) / 2} y={height - 4} textAnchor="middle" text={xLabel} />
          {leftAxis.ticks.map((t) => (
            <text key={`ty${t}`} x={plot.x0 - 5} y={leftAxis.y(t) + 4} textAnchor="end">
              {leftAxis.format(t)}
            </text>
          ))}
          {left.label && <SvgChartText transform={`translate(12 ${(plot.y0 + plot.y1) / 2}) rotate(-90)`} textAnchor="middle" text={left.label} />}
          {rightAxis &&
            rightAxis.ticks.map((t) => (
              <text key={`tr${t}`} x={plot.x1 + 5} y={rightAxis.y(t) + 4} textAnchor="start">
                {rightAxis.format(t)}
              </text>
            ))}
          {right?.label && <SvgChartText transform={`translate(${width - 8} ${(plot.y0 + plot.y1) / 2}) rotate(90)`} textAnchor="middle" text={right.label} />}
        </g>
        <rect x={plot.x0} y={plot.y0} width={plot.x1 - plot.x0} height={plot.y1 - plot.y0} fill="none" stroke="#d9dde3" />
        {referenceY.map((r) => (
          <g key={`ry${r.y}`}>
            <line x1={plot.x0} x2={plot.x1} y1={leftAxis.y(r.y)} y2={leftAxis.y(r.y)} stroke="#9ca3af" strokeDasharray="4 4" />
            <SvgChartText x={plot.x1 - 4} y={leftAxis.y(r.y) - 4} textAnchor="end" fontSize={10} fill={AXIS} text={r.label} />
          </g>
        ))}
        <g fill="none" strokeWidth={1.6} strokeLinejoin="round">
          {series.map((s) => {
            const axis = axisOf(s);
            return <SeriesPath key={s.key} series={s} x={x} y={axis.y} log={axis.log} />;
          })}
        </g>
        {showDots &&
          series.map((s) => {
            const axis = axisOf(s);
            return <SeriesDots key={`dots${s.key}`} series={s} x={x} y={axis.y} log={axis.log} />;
          })}
        {hoverX !== null && hoverX >= xd[0] && hoverX <= xd[1] && <line x1={x(hoverX)} x2={x(hoverX)} y1={plot.y0} y2={plot.y1} stroke="#9ca3af" pointerEvents="none" />}
        <rect x={plot.x0} y={plot.y0} width={plot.x1 - plot.x0} height={plot.y1 - plot.y0} fill="transparent" onMouseMove={onMove} onMouseLeave={() => setHoverX(null)} />
        {/* Live-change markers above the hover area, so their labels' terms (λ1, λ2) explain themselves on hover. */}
        {markers.map((m) => (
          <g key={m.key} data-testid="chart-marker">
            <line x1={x(m.x)} x2={x(m.x)} y1={plot.y0} y2={plot.y1} stroke={m.color} strokeDasharray="3 3" pointerEvents="none" />
            <SvgChartText x={x(m.x) + 3} y={plot.y0 + 10} fontSize={10} fill={m.color} text={m.label} />
          </g>
        ))}
      </svg>
      {hovered.length > 0 && hoverX !== null && (
        <div className="chart-tooltip" style={{ position: 'absolute', top: plot.y0 + 4, left: x(hoverX) > width / 2 ? undefined : x(hoverX) + 10, right: x(hoverX) > width / 2 ? width - x(hoverX) + 10 : undefined }}>
          <div style={{ fontWeight: 600 }}>
            {xLabel} {formatNumber(hoverX)}
          </div>
          {hovered.map(({ series: s, point }) => (
            <div key={s.key} style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
              <svg width="18" height="6" aria-hidden="true">
                <line x1="0" y1="3" x2="18" y2="3" stroke={s.color} strokeWidth="2" strokeDasharray={s.dash || undefined} />
              </svg>
              <span>{s.name}</span>
              <span style={{ marginLeft: 'auto', paddingLeft: 8, fontVariantNumeric: 'tabular-nums' }}>{formatNumber(point.y)}</span>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
