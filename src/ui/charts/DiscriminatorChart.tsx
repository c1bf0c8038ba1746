import { useMemo } from 'react';
import { ChartFrame } from './ChartFrame.tsx';
import { ChartGroup, type LiveChartProps } from './ChartGroup.tsx';
import { LineChartView } from './LineChartView.tsx';
import { changeMarkers, discriminatorPairs, discriminatorSeries, legendRuns } from './series.ts';

const CHANCE = [{ y: 0.5, label: 'chance' }];

/**
 * (c) Dev accuracy of each pair's task discriminator per epoch. Near 0.5 (chance) the shared
 * encoder hides which task a sentence came from, which is what the adversarial loss aims for.
 */
export function DiscriminatorChart({ runs, order, onToggleRun, width, smoothing }: LiveChartProps) {
  const view = useMemo(() => ({ runs, order }), [runs, order]);
  const legend = useMemo(() => legendRuns(view), [view]);
  // A run's live changes are marked only on the charts of pairs whose two tasks it has.
  const charts = useMemo(() => discriminatorPairs(view).map((pair) => ({ pair, series: discriminatorSeries(view, pair), markers: changeMarkers(view, 'epoch', pair.split('+')) })), [view]);

  return (
    <ChartGroup title="Discriminator accuracy per task pair" testId="chart-discriminators" legend={legend} onToggleRun={onToggleRun}>
      {charts.length === 0 && (
        <ChartFrame title="Discriminator accuracy" testId="chart-discriminator" legend={legend} showLegend={false} empty="No discriminators yet (they report per epoch; runs without discriminators have none).">
          {null}
        </ChartFrame>
      )}
      {charts.map(({ pair, series, markers }) => (
        <ChartFrame key={pair} title={`Discriminator ${pair}`} testId="chart-discriminator" legend={legend} showLegend={false} empty={series.length === 0 ? 'No visible run.' : null}>
          <LineChartView smoothing={smoothing} series={series} markers={markers} referenceY={CHANCE} xLabel="epoch" integerX xDomain={[0, 'roomy']} left={{ label: 'dev accuracy', domain: [0, 1] }} dots width={width} height={180} />
        </ChartFrame>
      ))}
    </ChartGroup>
  );
}
