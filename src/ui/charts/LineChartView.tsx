import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { formatNumber, valuesAt, type Marker, type Series } from './series.ts';

type Domain = [number | 'auto' | 'dataMin' | 'dataMax', number | 'auto' | 'dataMin' | 'dataMax'];

export interface AxisOptions {
  label?: string;
  domain?: Domain;
  scale?: 'linear' | 'log';
  ticks?: number[];
  format?: (value: number) => string;
}

export interface LineChartViewProps {
  /** One `<Line>` per series, each with its own points (runs need not share x values). */
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

/** The tooltip: every series' value at the hovered x, read from the series themselves. */
function SeriesTooltip({ active, label, series, xLabel }: { active?: boolean; label?: unknown; series: Series[]; xLabel: string }) {
  const x = typeof label === 'number' ? label : Number(label);
  if (!active || !Number.isFinite(x)) return null;
  const values = valuesAt(series, x);
  if (values.length === 0) return null;
  return (
    <div style={{ background: 'white', border: '1px solid #d9dde3', borderRadius: 4, padding: '0.3rem 0.5rem', fontSize: 12, lineHeight: 1.5 }}>
      <div style={{ fontWeight: 600 }}>
        {xLabel} {formatNumber(x)}
      </div>
      {values.map(({ series: s, point }) => (
        <div key={s.key} style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
          <svg width="18" height="6" aria-hidden="true">
            <line x1="0" y1="3" x2="18" y2="3" stroke={s.color} strokeWidth="2" strokeDasharray={s.dash || undefined} />
          </svg>
          <span>{s.name}</span>
          <span style={{ marginLeft: 'auto', paddingLeft: 8, fontVariantNumeric: 'tabular-nums' }}>{formatNumber(point.y)}</span>
        </div>
      ))}
    </div>
  );
}

/**
 * The one line chart every live chart draws with: numeric x axis, no animation (data arrives
 * live), per-series data, dashed run-coloured reference lines for live changes.
 */
export function LineChartView({ series, markers = [], referenceY = [], xLabel, integerX = false, xDomain, left = {}, right, dots = false, height = 220, width }: LineChartViewProps) {
  // Dots help on short epoch curves and only clutter long ones.
  const showDots = dots && series.every((s) => s.points.length <= 40);
  const sizing = width !== undefined ? { width, height } : { responsive: true, style: { width: '100%', height } };
  const tickFormat = (format?: (v: number) => string) => (value: unknown) => (typeof value === 'number' ? (format ?? formatNumber)(value) : String(value));
  return (
    <LineChart {...sizing} margin={{ top: 14, right: right ? 8 : 16, bottom: 18, left: 4 }}>
      <CartesianGrid stroke="#eceff3" />
      <XAxis
        type="number"
        dataKey="x"
        domain={xDomain ?? ['dataMin', 'dataMax']}
        allowDecimals={!integerX}
        tickFormatter={tickFormat()}
        label={{ value: xLabel, position: 'insideBottom', offset: -10, fontSize: 11 }}
        fontSize={11}
      />
      <YAxis
        yAxisId="left"
        type="number"
        scale={left.scale ?? 'linear'}
        domain={left.domain ?? ['auto', 'auto']}
        ticks={left.ticks}
        allowDataOverflow={left.scale === 'log'}
        tickFormatter={tickFormat(left.format)}
        label={left.label ? { value: left.label, angle: -90, position: 'insideLeft', fontSize: 11, style: { textAnchor: 'middle' } } : undefined}
        width={56}
        fontSize={11}
      />
      {right && (
        <YAxis
          yAxisId="right"
          orientation="right"
          type="number"
          scale={right.scale ?? 'linear'}
          domain={right.domain ?? ['auto', 'auto']}
          ticks={right.ticks}
          tickFormatter={tickFormat(right.format)}
          label={right.label ? { value: right.label, angle: 90, position: 'insideRight', fontSize: 11, style: { textAnchor: 'middle' } } : undefined}
          width={48}
          fontSize={11}
        />
      )}
      <Tooltip isAnimationActive={false} content={(props) => <SeriesTooltip active={props.active} label={props.label} series={series} xLabel={xLabel} />} />
      {series.map((s) => (
        <Line
          key={s.key}
          data={s.points}
          dataKey="y"
          name={s.name}
          yAxisId={s.axis}
          type="linear"
          stroke={s.color}
          strokeWidth={1.6}
          strokeDasharray={s.dash || undefined}
          dot={showDots ? { r: 2.5, strokeWidth: 1 } : false}
          activeDot={{ r: 3 }}
          isAnimationActive={false}
          connectNulls
        />
      ))}
      {referenceY.map((r) => (
        <ReferenceLine key={`y:${r.y}`} y={r.y} yAxisId="left" stroke="#9ca3af" strokeDasharray="4 4" label={{ value: r.label, position: 'insideBottomRight', fontSize: 10, fill: '#6b7280' }} />
      ))}
      {markers.map((m) => (
        <ReferenceLine
          key={m.key}
          x={m.x}
          yAxisId="left"
          stroke={m.color}
          strokeDasharray="3 3"
          ifOverflow="extendDomain"
          label={{ value: m.label, position: 'insideTopLeft', fontSize: 10, fill: m.color }}
        />
      ))}
    </LineChart>
  );
}
