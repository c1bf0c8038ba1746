import { useMemo, useState } from 'react';
import { ChartFrame } from './ChartFrame.tsx';
import type { LiveChartProps } from './ChartGroup.tsx';
import { LineChartView } from './LineChartView.tsx';
import { changeMarkers, defaultLossParts, legendRuns, logDomain, logTicks, lossPartKeys, lossPartLabel, lossParts, lossSeries, type LossPart } from './series.ts';

export interface LossChartProps extends LiveChartProps {
  /** Start on a log scale (default: yes — the raw orthogonality term can be 10³–10⁷× the CRF losses). */
  defaultLogScale?: boolean;
}

/**
 * (b) The loss parts per reporting interval: each task's CRF loss, the adversarial and the
 * orthogonality term (unweighted), optionally the total; a run's colour, one dash per part.
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
  const domain = useMemo(() => (log ? logDomain(series) : null), [log, series]);

  const toggle = (part: LossPart, on: boolean) => setPicked(on ? parts.filter((p) => p === part || shown.includes(p)) : shown.filter((p) => p !== part));

  const controls = (
    <>
      {parts.map((part) => (
        <label key={part}>
          <input type="checkbox" data-testid="loss-part" data-part={part} checked={shown.includes(part)} onChange={(e) => toggle(part, e.target.checked)} />
          {lossPartLabel(part)}
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
        xDomain={[0, 'auto']}
        left={domain ? { label: 'loss (log)', scale: 'log', domain, ticks: logTicks(domain) } : { label: 'loss' }}
        width={width}
        height={260}
      />
    </ChartFrame>
  );
}
