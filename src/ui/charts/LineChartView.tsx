import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { LineChartDraw, type LineChartDrawProps } from './LineChartDraw.tsx';
import { chartDrawQueue, type DrawTicket } from './drawQueue.ts';
import type { Series } from './series.ts';
import { emaSmooth } from '../smoothing.ts';

export type { AxisOptions } from './LineChartDraw.tsx';
export interface LineChartViewProps extends LineChartDrawProps {
  /** Debiased-EMA weight applied to every series before drawing (0: raw values). */
  smoothing?: number;
}

/** The series smoothed with `emaSmooth` (TensorBoard's curve smoothing); the same array at 0. */
export function smoothSeries(series: Series[], weight: number | undefined): Series[] {
  if (!weight) return series;
  return series.map((s) => {
    const ys = emaSmooth(
      s.points.map((p) => p.y),
      weight,
    );
    return { ...s, points: s.points.map((p, i) => ({ x: p.x, y: ys[i]! })) };
  });
}

/**
 * What a drawing depends on, as a string: two renders with the same signature draw the same chart
 * (the axis formatters are fixed per chart kind, so leaving functions out loses nothing).
 */
export function drawSignature(props: LineChartDrawProps, width: number): string {
  return JSON.stringify([width, props]);
}

/** The container's width in pixels, tracked with one ResizeObserver per chart container. */
function useContainerWidth(fixed: number | undefined): [React.RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(fixed ?? 0);
  useLayoutEffect(() => {
    if (fixed !== undefined) return;
    const element = ref.current;
    if (!element) return;
    const measure = () => setWidth(Math.floor(element.getBoundingClientRect().width));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [fixed]);
  return [ref, fixed ?? width];
}

/**
 * A live line chart that redraws only when what it shows changed, and then through the page's draw
 * queue (one chart per main-thread task), so a stream of run events never makes a long task. Until
 * its first draw it holds its place with an empty box of the chart's size.
 */
export function LineChartView({ smoothing, ...raw }: LineChartViewProps) {
  const props = useMemo(() => ({ ...raw, series: smoothSeries(raw.series, smoothing) }), [raw, smoothing]);
  const [ref, width] = useContainerWidth(props.width);
  const height = props.height ?? 220;
  const signature = useMemo(() => drawSignature(props, width), [props, width]);
  const latest = useRef({ props, width });
  useLayoutEffect(() => {
    latest.current = { props, width };
  });
  const [drawn, setDrawn] = useState<{ signature: string; props: LineChartDrawProps; width: number } | null>(null);
  const ticket = useRef<DrawTicket | null>(null);

  useEffect(() => {
    if (width <= 0 || drawn?.signature === signature) return;
    ticket.current = chartDrawQueue.enqueue(ticket, () => setDrawn({ signature, ...latest.current }));
  }, [signature, width, drawn?.signature]);

  // The draw committed: the next chart may draw.
  useEffect(() => {
    if (drawn) ticket.current?.done();
  }, [drawn]);

  useEffect(() => () => ticket.current?.cancel(), []);

  // The same element object across renders: React skips the chart's subtree until the next draw.
  const chart = useMemo(() => (drawn ? <LineChartDraw {...drawn.props} width={drawn.width} /> : null), [drawn]);
  return (
    <div ref={ref} className="line-chart" data-drawn={drawn ? drawn.signature === signature : false} style={{ width: '100%', minHeight: height }}>
      {chart}
    </div>
  );
}
