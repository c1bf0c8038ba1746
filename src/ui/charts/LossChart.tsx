import { useMemo, useState } from 'react';
import { ChartFrame } from './ChartFrame.tsx';
import { ChartText } from './ChartText.tsx';
import type { LiveChartProps } from './ChartGroup.tsx';
import { LineChartView } from './LineChartView.tsx';
import { defaultLossParts, lossPartKeys, lossPartLabel, lossParts, lossSeries, RIGHT_AXIS_PART, type LossPart } from './lossSeries.ts';
import { changeMarkers, legendRuns, logDomain, logTicks, type Series } from './series.ts';
import type { AxisOptions } from './LineChartView.tsx';

/** A y axis of the loss chart: log (whole decades) or linear. */
function lossAxis(series: readonly Series[], log: boolean, label: string): AxisOptions {
  if (!log) return { label };
  const domain = logDomain(series);
  return { label: `${label} (log)`, scale: 'log', domain, ticks: logTicks(domain) };
}

export interface LossChartProps extends LiveChartProps {
  /** Start on a log scale (default: yes — the raw orthogonality term can be 10³–10⁷× the CRF losses). */
  defaultLogScale?: boolean;
}

/**
 * (b) The loss parts per reporting interval: each task's CRF loss, the adversarial and the
 * orthogonality term (unweighted), optionally the total; a run's colour, one dash per part. The
 * orthogonality term (~10³–10⁷ raw) has the right axis to itself, the other parts the left one.
 */
export function LossChart({ runs, order, onToggleRun, width, smoothing, defaultLogScale = true }: LossChartProps) {
  const [log, setLog] = useState(defaultLogScale);
  const [picked, setPicked] = useState<LossPart[] | null>(null);
  const view = useMemo(() => ({ runs, order }), [runs, order]);
  const legend = useMemo(() => legendRuns(view), [view]);
  const parts = useMemo(() => lossParts(view), [view]);
  const shown = useMemo(() => picked ?? defaultLossParts(parts), [picked, parts]);
  const series = useMemo(() => lossSeries(view, parts, shown, { log }), [view, parts, shown, log]);
  const markers = useMemo(() => changeMarkers(view, 'step'), [view]);
  const keys = useMemo(() => lossPartKeys(parts, shown), [parts, shown]);
  const left = useMemo(() => lossAxis(series.filter((s) => s.axis === 'left'), log, 'loss'), [series, log]);
  const rightSeries = useMemo(() => series.filter((s) => s.axis === 'right'), [series]);
  const right = useMemo(() => (rightSeries.length > 0 ? lossAxis(rightSeries, log, RIGHT_AXIS_PART) : undefined), [rightSeries, log]);

  const toggle = (part: LossPart, on: boolean) => setPicked(on ? parts.filter((p) => p === part || shown.includes(p)) : shown.filter((p) => p !== part));

  const controls = (
    <>
      {parts.map((part) => (
        <label key={part}>
          <input type="checkbox" data-testid="loss-part" data-part={part} checked={shown.includes(part)} onChange={(e) => toggle(part, e.target.checked)} />
          <ChartText text={lossPartLabel(part)} />
        </label>
      ))}
      <label>
        <input type="checkbox" data-testid="loss-log" checked={log} onChange={(e) => setLog(e.target.checked)} />
        log scale
      </label>
    </>
  );

  const empty = parts.length === 0 ? 'Losses appear with the first report of a run.' : series.length === 0 ? 'Nothing to draw: no visible run or no part selected.' : null;
  return (
    <ChartFrame title="Training loss parts per reporting interval" testId="chart-loss" legend={legend} onToggleRun={onToggleRun} styleKeys={keys} controls={controls} empty={empty}>
      <LineChartView smoothing={smoothing}
        series={series}
        markers={markers}
        xLabel="step"
        integerX
        xDomain={[0, 'roomy']}
        left={left}
        right={right}
        width={width}
        height={260}
      />
    </ChartFrame>
  );
}
