import { useMemo } from 'react';
import { ChartFrame } from './ChartFrame.tsx';
import type { LiveChartProps } from './ChartGroup.tsx';
import { LineChartView } from './LineChartView.tsx';
import { SCHEDULE_KEYS, changeMarkers, legendRuns, scheduleSeries } from './series.ts';

/** (e) Learning rate (left axis) and adversarial weight λ1 (right axis) per step. */
export function ScheduleChart({ runs, order, onToggleRun, width }: LiveChartProps) {
  const view = useMemo(() => ({ runs, order }), [runs, order]);
  const legend = useMemo(() => legendRuns(view), [view]);
  const series = useMemo(() => scheduleSeries(view), [view]);
  const markers = useMemo(() => changeMarkers(view, 'step'), [view]);
  const empty = legend.length === 0 || !order.some((id) => (runs[id]?.steps.length ?? 0) > 0) ? 'The schedule appears with the first report of a run.' : series.length === 0 ? 'No visible run.' : null;
  return (
    <ChartFrame title="Learning rate and λ1 per step" testId="chart-schedule" legend={legend} onToggleRun={onToggleRun} styleKeys={SCHEDULE_KEYS} empty={empty}>
      <LineChartView series={series} markers={markers} xLabel="step" integerX xDomain={[0, 'roomy']} left={{ label: 'learning rate', domain: [0, 'auto'] }} right={{ label: 'λ1', domain: [0, 'auto'] }} width={width} height={220} />
    </ChartFrame>
  );
}
