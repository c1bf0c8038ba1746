/**
 * The live line chart drawn with recharts 3 instead of our SVG (src/ui/charts/LineChartDraw.tsx),
 * for the issue-15 comparison only: same props, animation off, series as memoised per-line data
 * (step series already decimated to ≤ 500 points by series.ts, here to ≤ 200), no dots on step
 * charts. Built into the app in place of LineChartDraw by vite.config.ts beside it; recharts is not
 * a dependency of the app (install it outside the repo, see BENCHMARKS.md).
 */
import { memo, useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { LineChartDrawProps } from '../../../src/ui/charts/LineChartDraw.tsx';
import { downsample, formatNumber, type Point } from '../../../src/ui/charts/series.ts';

const decimated = new WeakMap<readonly Point[], Point[]>();
function decimate(points: readonly Point[]): Point[] {
  let out = decimated.get(points);
  if (!out) decimated.set(points, (out = downsample(points, 200)));
  return out;
}

const domainOf = (d: unknown) => (Array.isArray(d) ? d.map((b) => (b === 'roomy' ? 'auto' : b)) : undefined) as [number | string, number | string] | undefined;

function RechartsLineChartDrawInner({ series, markers = [], referenceY = [], xLabel, integerX = false, xDomain, left = {}, right, dots = false, height = 220, width }: LineChartDrawProps & { width: number }) {
  const lines = useMemo(() => series.map((s) => ({ ...s, data: decimate(s.points) })), [series]);
  const showDots = dots && series.every((s) => s.points.length <= 40);
  return (
    <LineChart width={width} height={height} margin={{ top: 14, right: right ? 8 : 16, bottom: 14, left: 8 }}>
      <CartesianGrid stroke="#eceff3" />
      <XAxis type="number" dataKey="x" domain={domainOf(xDomain) ?? ['dataMin', 'dataMax']} allowDecimals={!integerX} tickFormatter={formatNumber} label={{ value: xLabel, position: 'insideBottom', offset: -4 }} />
      <YAxis yAxisId="left" scale={left.scale === 'log' ? 'log' : 'auto'} domain={domainOf(left.domain) ?? ['auto', 'auto']} ticks={left.ticks} allowDataOverflow tickFormatter={left.format ?? formatNumber} />
      {right && <YAxis yAxisId="right" orientation="right" scale={right.scale === 'log' ? 'log' : 'auto'} domain={domainOf(right.domain) ?? ['auto', 'auto']} ticks={right.ticks} allowDataOverflow tickFormatter={right.format ?? formatNumber} />}
      <Tooltip isAnimationActive={false} formatter={(v) => formatNumber(Number(v))} />
      {referenceY.map((r) => (
        <ReferenceLine key={`ry${r.y}`} yAxisId="left" y={r.y} stroke="#9ca3af" strokeDasharray="4 4" label={r.label} />
      ))}
      {markers.map((m) => (
        <ReferenceLine key={m.key} yAxisId="left" x={m.x} stroke={m.color} strokeDasharray="3 3" label={{ value: m.label, fill: m.color, fontSize: 10 }} />
      ))}
      {lines.map((s) => (
        <Line
          key={s.key}
          yAxisId={s.axis === 'right' && right ? 'right' : 'left'}
          data={s.data}
          dataKey="y"
          name={s.name}
          stroke={s.color}
          strokeDasharray={s.dash || undefined}
          strokeWidth={1.6}
          dot={showDots ? { r: 2.5, fill: 'white' } : false}
          isAnimationActive={false}
          connectNulls={false}
        />
      ))}
    </LineChart>
  );
}

/** Exported under the name LineChartView imports. */
export const LineChartDraw = memo(RechartsLineChartDrawInner);
