import { useMemo } from 'react';
import { ChartFrame } from './ChartFrame.tsx';
import { ChartGroup, type LiveChartProps } from './ChartGroup.tsx';
import { LineChartView } from './LineChartView.tsx';
import { changeMarkers, legendRuns, scoreSeries, scoreTasks } from './series.ts';

/** (a) Dev F1 (chunk tasks) or accuracy (plain tasks) per epoch: one small chart per task. */
export function ScoreCharts({ runs, order, onToggleRun, width, smoothing }: LiveChartProps) {
  const view = useMemo(() => ({ runs, order }), [runs, order]);
  const legend = useMemo(() => legendRuns(view), [view]);
  // A run's live changes are marked only on the charts of tasks it has.
  const charts = useMemo(() => scoreTasks(view).map((task) => ({ ...task, series: scoreSeries(view, task.task), markers: changeMarkers(view, 'epoch', [task.task]) })), [view]);

  return (
    <ChartGroup title="Dev scores per epoch" testId="chart-scores" legend={legend} onToggleRun={onToggleRun}>
      {charts.length === 0 && (
        <ChartFrame title="Dev scores" testId="chart-score" legend={legend} showLegend={false} empty="Dev scores appear after the first epoch.">
          {null}
        </ChartFrame>
      )}
      {charts.map(({ task, metric, series, markers }) => {
        const title = `${task} — dev ${metric === 'f1' ? 'F1' : 'accuracy'}`;
        return (
          <ChartFrame key={task} title={title} testId="chart-score" legend={legend} showLegend={false} empty={series.length === 0 ? 'No visible run.' : null}>
            <LineChartView smoothing={smoothing} series={series} markers={markers} xLabel="epoch" integerX xDomain={[0, 'roomy']} left={{ label: metric === 'f1' ? 'F1 %' : 'accuracy %' }} dots width={width} height={180} />
          </ChartFrame>
        );
      })}
    </ChartGroup>
  );
}
