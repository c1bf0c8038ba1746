import { useMemo, useState, type MouseEvent } from 'react';
import { niceTicks, resolveDomain, scaleFn, type Domain } from './chartScale.ts';
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
  /** Dots on the points (epoch charts, up to 40 points a series; step charts have too many). */
  dots?: boolean;
  height?: number;
  /** A fixed width in pixels; by default the chart fills its container's width. */
  width?: number;
}

const FONT = 11;
const GRID = '#eceff3';
const AXIS = '#6b7280';

interface YAxisLayout {
  domain: [number, number];
  ticks: number[];
  y: (v: number) => number;
  log: boolean;
  format: (v: number) => string;
}

function yAxisLayout(options: AxisOptions, values: number[], range: [number, number]): YAxisLayout {
  const log = options.scale === 'log';
  const usable = log ? values.filter((v) => v > 0) : values;
  const domain = resolveDomain(options.domain ?? ['auto', 'auto'], usable);
  if (log && domain[0] <= 0) domain[0] = Math.min(...usable.filter((v) => v > 0), domain[1] / 10);
  const ticks = (options.ticks ?? (log ? [] : niceTicks(domain[0], domain[1], 5))).filter((t) => t >= domain[0] - 1e-12 && t <= domain[1] + 1e-12);
  return { domain, ticks, y: scaleFn(domain, range, log), log, format: options.format ?? formatNumber };
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
  const showDots = dots && series.every((s) => s.points.length <= 40);

  const layout = useMemo(() => {
    const xs = series.flatMap((s) => s.points.map((p) => p.x));
    const xd = resolveDomain(xDomain ?? ['dataMin', 'dataMax'], [...xs, ...markers.map((m) => m.x)]);
    const x = scaleFn(xd, [plot.x0, plot.x1]);
    const xTicks = niceTicks(xd[0], xd[1], Math.max(2, Math.floor((plot.x1 - plot.x0) / 70)), integerX);
    const valuesOf = (axis: 'left' | 'right') => series.filter((s) => s.axis === axis).flatMap((s) => s.points.map((p) => p.y));
    const leftAxis = yAxisLayout(left, [...valuesOf('left'), ...referenceY.map((r) => r.y)], [plot.y1, plot.y0]);
    const rightAxis = right ? yAxisLayout(right, valuesOf('right'), [plot.y1, plot.y0]) : null;
    return { xd, x, xTicks, leftAxis, rightAxis };
  }, [series, markers, referenceY, xDomain, integerX, left, right, plot.x0, plot.x1, plot.y0, plot.y1]);

  const { xd, x, xTicks, leftAxis, rightAxis } = layout;
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
          <text x={(plot.x0 + plot.x1) / 2} y={height - 4} textAnchor="middle">
            {xLabel}
          </text>
          {leftAxis.ticks.map((t) => (
            <text key={`ty${t}`} x={plot.x0 - 5} y={leftAxis.y(t) + 4} textAnchor="end">
              {leftAxis.format(t)}
            </text>
          ))}
          {left.label && (
            <text transform={`translate(12 ${(plot.y0 + plot.y1) / 2}) rotate(-90)`} textAnchor="middle">
              {left.label}
            </text>
          )}
          {rightAxis &&
            rightAxis.ticks.map((t) => (
              <text key={`tr${t}`} x={plot.x1 + 5} y={rightAxis.y(t) + 4} textAnchor="start">
                {rightAxis.format(t)}
              </text>
            ))}
          {right?.label && (
            <text transform={`translate(${width - 8} ${(plot.y0 + plot.y1) / 2}) rotate(90)`} textAnchor="middle">
              {right.label}
            </text>
          )}
        </g>
        <rect x={plot.x0} y={plot.y0} width={plot.x1 - plot.x0} height={plot.y1 - plot.y0} fill="none" stroke="#d9dde3" />
        {referenceY.map((r) => (
          <g key={`ry${r.y}`}>
            <line x1={plot.x0} x2={plot.x1} y1={leftAxis.y(r.y)} y2={leftAxis.y(r.y)} stroke="#9ca3af" strokeDasharray="4 4" />
            <text x={plot.x1 - 4} y={leftAxis.y(r.y) - 4} textAnchor="end" fontSize={10} fill={AXIS}>
              {r.label}
            </text>
          </g>
        ))}
        {markers.map((m) => (
          <g key={m.key} data-testid="chart-marker">
            <line x1={x(m.x)} x2={x(m.x)} y1={plot.y0} y2={plot.y1} stroke={m.color} strokeDasharray="3 3" />
            <text x={x(m.x) + 3} y={plot.y0 + 10} fontSize={10} fill={m.color}>
              {m.label}
            </text>
          </g>
        ))}
        <g fill="none" strokeWidth={1.6} strokeLinejoin="round">
          {series.map((s) => {
            const axis = axisOf(s);
            return <path key={s.key} data-testid="chart-line" data-series={s.key} d={linePath(s.points, x, axis.y, axis.log)} stroke={s.color} strokeDasharray={s.dash || undefined} />;
          })}
        </g>
        {showDots &&
          series.map((s) => {
            const axis = axisOf(s);
            return (
              <g key={`dots${s.key}`} fill="white" stroke={s.color}>
                {s.points
                  .filter((p) => Number.isFinite(p.y) && (!axis.log || p.y > 0))
                  .map((p) => (
                    <circle key={p.x} data-testid="chart-dot" cx={x(p.x)} cy={axis.y(p.y)} r={2.5} />
                  ))}
              </g>
            );
          })}
        {hoverX !== null && hoverX >= xd[0] && hoverX <= xd[1] && <line x1={x(hoverX)} x2={x(hoverX)} y1={plot.y0} y2={plot.y1} stroke="#9ca3af" pointerEvents="none" />}
        <rect x={plot.x0} y={plot.y0} width={plot.x1 - plot.x0} height={plot.y1 - plot.y0} fill="transparent" onMouseMove={onMove} onMouseLeave={() => setHoverX(null)} />
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
