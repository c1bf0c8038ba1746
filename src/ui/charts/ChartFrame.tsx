import { useRef, useState, type ReactNode } from 'react';
import { messageOf } from '../../core/errors.ts';
import { exportChartPng, pngFileName, type PngLegendItem } from './exportPng.ts';
import { ChartStyles } from './ChartStyles.tsx';
import { ChartText } from './ChartText.tsx';
import { RunLegend, StyleKeyList } from './RunLegend.tsx';
import type { LegendRun, StyleKey } from './series.ts';

export interface ChartFrameProps {
  title: string;
  /** `data-testid` of the card. */
  testId: string;
  /** Every run (hidden ones too): the legend, and the PNG's legend (visible ones). */
  legend: LegendRun[];
  onToggleRun?: (runId: string, visible: boolean) => void;
  /** Show the clickable run legend on this card (small multiples show one per group instead). */
  showLegend?: boolean;
  /** Dash-pattern key, for charts with several curves per run. */
  styleKeys?: StyleKey[];
  /** Extra controls in the header (log scale, part selection…). */
  controls?: ReactNode;
  /** When set, this text is shown instead of the chart (and there is nothing to export). */
  empty?: string | null;
  children: ReactNode;
}

/** A chart card: title, controls, a "PNG" export button, the legend and the chart itself. */
export function ChartFrame({ title, testId, legend, onToggleRun, showLegend = true, styleKeys = [], controls, empty, children }: ChartFrameProps) {
  const chartRef = useRef<HTMLDivElement>(null);
  const [exportError, setExportError] = useState<string | null>(null);

  const exportPng = async () => {
    const container = chartRef.current;
    if (!container) return;
    const items: PngLegendItem[] = [
      ...legend.filter((r) => r.visible).map((r) => ({ label: r.label, color: r.color })),
      ...(styleKeys.length > 1 ? styleKeys.map((k) => ({ label: k.label, color: '#4b5563', dash: k.dash })) : []),
    ];
    try {
      setExportError(null);
      await exportChartPng(container, { title, legend: items, fileName: pngFileName(title) });
    } catch (error) {
      setExportError(messageOf(error));
    }
  };

  return (
    <section className="chart-card" data-testid={testId} aria-label={title}>
      <ChartStyles />
      <header>
        <h3>
          <ChartText text={title} />
        </h3>
        <div className="chart-controls">
          {controls}
          <button type="button" className="png" data-testid="chart-png" disabled={Boolean(empty)} onClick={() => void exportPng()} title={`Download "${title}" as PNG`}>
            PNG
          </button>
        </div>
      </header>
      {showLegend && <RunLegend runs={legend} onToggleRun={onToggleRun} />}
      <StyleKeyList keys={styleKeys} />
      {exportError && (
        <p className="chart-error" role="alert">
          PNG export failed: {exportError}
        </p>
      )}
      {empty ? (
        <p className="chart-empty" data-testid="chart-empty">
          {empty}
        </p>
      ) : (
        <div ref={chartRef} className="chart-body" data-testid="chart-body">
          {children}
        </div>
      )}
    </section>
  );
}
