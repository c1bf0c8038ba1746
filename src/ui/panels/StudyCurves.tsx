import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ChartFrame } from '../charts/ChartFrame.tsx';
import { LineChartView } from '../charts/LineChartView.tsx';
import { RUN_PALETTE, type LegendRun, type Series } from '../charts/series.ts';
import { useWorkbench } from '../store.ts';
import { studyCurves } from '../study.ts';
import { studyRunsOf } from './studyRuns.ts';

/**
 * The study's curves, like the paper's Figures 2 and 3: per task, dev score against epoch, one line
 * per configuration (mean over its seeds). Drawn with the live charts' card and SVG chart, so each
 * has the same PNG export (with the configurations as its legend).
 */
export function StudyCurves() {
  const study = useWorkbench((s) => s.study);
  // Only the study's runs: runs outside it (and their reports) do not redraw these curves.
  const runs = useWorkbench(useShallow(studyRunsOf));
  const charts = useMemo(() => {
    const tasks = study ? studyCurves(study, runs) : [];
    // One colour per configuration across every task's chart, in the study's order.
    const configs = [...new Set(tasks.flatMap((t) => t.curves.map((c) => c.configName)))];
    const color = (name: string) => RUN_PALETTE[configs.indexOf(name) % RUN_PALETTE.length]!;
    // The legend's "runs" are configurations here: the chart card only needs a label and a colour.
    const legend: LegendRun[] = configs.map((name) => ({ runId: name, label: name, color: color(name), visible: true, status: 'completed' }));
    return tasks.map(({ task, metric, curves }) => ({
      task,
      metric,
      legend,
      series: curves.map(
        (c): Series => ({
          key: c.configName,
          runId: c.configName,
          name: c.configName,
          color: color(c.configName),
          dash: '',
          axis: 'left',
          points: c.points.map((p) => ({ x: p.epoch, y: p.mean })),
        }),
      ),
    }));
  }, [study, runs]);
  if (charts.length === 0) return null;
  return (
    <div className="study-curves" data-testid="study-curves">
      {charts.map(({ task, metric, legend, series }) => {
        const title = `Study: ${task} — dev ${metric === 'f1' ? 'F1' : 'accuracy'} by epoch (mean over seeds)`;
        return (
          <div key={task} data-testid="study-curve" data-task={task} data-configs={series.map((s) => s.key).join('|')}>
            <ChartFrame title={title} testId="study-curve-card" legend={legend}>
              <LineChartView series={series} xLabel="epoch" integerX xDomain={[0, 'roomy']} left={{ label: metric === 'f1' ? 'F1 %' : 'accuracy %' }} dots height={200} />
            </ChartFrame>
          </div>
        );
      })}
    </div>
  );
}
