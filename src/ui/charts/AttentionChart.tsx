import { useMemo } from 'react';
import { ChartFrame } from './ChartFrame.tsx';
import { ChartGroup, type LiveChartProps } from './ChartGroup.tsx';
import { LineChartView } from './LineChartView.tsx';
import { attentionSeries, attentionTasks, changeMarkers, legendRuns, representationKeys } from './series.ts';

/**
 * (d) Mean fusion attention β of each task over its representations on dev, per epoch: one small
 * chart per task, a run's colour with one dash pattern per representation.
 */
export function AttentionChart({ runs, order, onToggleRun, width, smoothing }: LiveChartProps) {
  const view = useMemo(() => ({ runs, order }), [runs, order]);
  const legend = useMemo(() => legendRuns(view), [view]);
  // A run's live changes are marked only on the charts of tasks it has.
  const charts = useMemo(
    () => attentionTasks(view).map((task) => ({ task, keys: representationKeys(task), series: attentionSeries(view, task), markers: changeMarkers(view, 'epoch', [task.task]) })),
    [view],
  );

  return (
    <ChartGroup title="Mean attention β per representation" testId="chart-attention" legend={legend} onToggleRun={onToggleRun}>
      {charts.length === 0 && (
        <ChartFrame title="Mean attention β" testId="chart-attention-task" legend={legend} showLegend={false} empty="No attention yet (reported per epoch by models with fusion attention).">
          {null}
        </ChartFrame>
      )}
      {charts.map(({ task, keys, series, markers }) => (
        <ChartFrame key={task.task} title={`${task.task} — mean β`} testId="chart-attention-task" legend={legend} showLegend={false} styleKeys={keys} empty={series.length === 0 ? 'No visible run.' : null}>
          <LineChartView smoothing={smoothing} series={series} markers={markers} xLabel="epoch" integerX xDomain={[0, 'roomy']} left={{ label: 'β', domain: [0, 1] }} dots width={width} height={180} />
        </ChartFrame>
      ))}
    </ChartGroup>
  );
}
