import type { ReactNode } from 'react';
import type { RunState } from '../store/runsSlice.ts';
import { ChartText } from './ChartText.tsx';
import { RunLegend } from './RunLegend.tsx';
import type { LegendRun } from './series.ts';

/** The props every live chart takes: the store's runs and order, and its visibility action. */
export interface LiveChartProps {
  runs: Record<string, RunState>;
  /** Run ids in start order (legend and colour order). */
  order: string[];
  /** Legend click (the store's `setRunVisible`). */
  onToggleRun?: (runId: string, visible: boolean) => void;
  /** A fixed chart width in pixels (tests); by default charts fill their container. */
  width?: number;
  /** Curve smoothing weight (debiased EMA, `emaSmooth`); 0 or absent draws the raw values. */
  smoothing?: number;
}

export interface ChartGroupProps {
  title: string;
  testId: string;
  legend: LegendRun[];
  onToggleRun?: (runId: string, visible: boolean) => void;
  children: ReactNode;
}

/** Small multiples (one chart per task or pair) under one title and one run legend. */
export function ChartGroup({ title, testId, legend, onToggleRun, children }: ChartGroupProps) {
  return (
    <section className="chart-group" data-testid={testId} aria-label={title}>
      <h3>
        <ChartText text={title} />
      </h3>
      <div style={{ gridColumn: '1 / -1' }}>
        <RunLegend runs={legend} onToggleRun={onToggleRun} />
      </div>
      {children}
    </section>
  );
}
