import { AttentionChart } from './AttentionChart.tsx';
import type { LiveChartProps } from './ChartGroup.tsx';
import { ChartStyles } from './ChartStyles.tsx';
import { DiscriminatorChart } from './DiscriminatorChart.tsx';
import { LossChart } from './LossChart.tsx';
import { ScheduleChart } from './ScheduleChart.tsx';
import { ScoreCharts } from './ScoreCharts.tsx';

/** All live charts, every run overlaid. Presentational: App passes the store's runs slice. */
export function ChartsPanel(props: LiveChartProps) {
  const hasRuns = props.order.length > 0;
  return (
    <section className="panel charts" data-testid="charts-panel" aria-label="Live charts">
      <ChartStyles />
      <h2>Live curves</h2>
      {hasRuns ? (
        <>
          <ScoreCharts {...props} />
          <LossChart {...props} />
          <DiscriminatorChart {...props} />
          <AttentionChart {...props} />
          <ScheduleChart {...props} />
        </>
      ) : (
        <p className="chart-empty" data-testid="charts-empty">
          Start a run to see its curves here.
        </p>
      )}
    </section>
  );
}
