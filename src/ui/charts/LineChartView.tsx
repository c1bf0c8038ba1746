import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { LineChartDraw, type LineChartDrawProps } from './LineChartDraw.tsx';
import { chartDrawQueue, type DrawTicket } from './drawQueue.ts';
import type { Point, Series } from './series.ts';
import { emaSmooth } from '../smoothing.ts';

export type { AxisOptions } from './LineChartDraw.tsx';
export interface LineChartViewProps extends LineChartDrawProps {
  /** Debiased-EMA weight applied to every series before drawing (0: raw values). */
  smoothing?: number;
}

/** Smoothed points by raw points array and weight: step series are memoised per run (series.ts), so a redraw smooths only the runs that reported. */
const smoothCache = new WeakMap<readonly Point[], Map<number, Point[]>>();

function smoothPoints(points: readonly Point[], weight: number): Point[] {
  let byWeight = smoothCache.get(points);
  if (!byWeight) smoothCache.set(points, (byWeight = new Map()));
  let smoothed = byWeight.get(weight);
  if (!smoothed) {
    const ys = emaSmooth(
      points.map((p) => p.y),
      weight,
    );
    smoothed = points.map((p, i) => ({ x: p.x, y: ys[i]! }));
    byWeight.set(weight, smoothed);
  }
  return smoothed;
}

/** The series smoothed with `emaSmooth` (TensorBoard's curve smoothing); the same array at 0. */
export function smoothSeries(series: Series[], weight: number | undefined): Series[] {
  if (!weight) return series;
  return series.map((s) => ({ ...s, points: smoothPoints(s.points, weight) }));
}

/** Series up to this many points enter a signature by value, longer ones by identity. */
const BY_VALUE_POINTS = 100;

/** A number per points array, for signatures: the same array (memoised, unchanged) gives the same number. */
const pointsIds = new WeakMap<readonly Point[], number>();
let nextPointsId = 0;

function pointsId(points: readonly Point[]): number {
  let id = pointsIds.get(points);
  if (id === undefined) pointsIds.set(points, (id = ++nextPointsId));
  return id;
}

/**
 * What a drawing depends on, as a string: two renders with the same signature draw the same chart
 * (the axis formatters are fixed per chart kind, so leaving functions out loses nothing). A series'
 * points enter by identity, not by value: serialising every point of ten runs' step series on each
 * sample cost milliseconds per chart. Long series are step series, memoised per run (series.ts) and
 * never mutated (a run's new report makes a new array), so the same array means the same points;
 * short ones (epoch series, rebuilt on every sample) enter by value.
 */
export function drawSignature(props: LineChartDrawProps, width: number): string {
  const series = props.series.map((s) => (s.points.length <= BY_VALUE_POINTS ? s : { ...s, points: pointsId(s.points) }));
  return JSON.stringify([width, { ...props, series }]);
}

/** How long a chart waits for its ResizeObserver's first report before measuring itself (skipped content). */
const UNREPORTED_MEASURE_MS = 100;

/**
 * The container's width in pixels, from one ResizeObserver per chart container. Its first report
 * comes after the browser's own layout, so mounting a chart forces no synchronous layout: a
 * `getBoundingClientRect` in a layout effect did, once per chart, and with the charts mounting on a
 * run's Start those layouts made the task that commits it pass 50 ms on a busy machine (a trace of
 * the one-run long-task journey: 46–126 of its profile's samples were in that call). Off-screen
 * chart groups are `content-visibility: auto` (ChartStyles.tsx): the browser does not lay them out,
 * so their observer stays silent; such a chart measures itself in a task of its own a little later,
 * so it is drawn (through the draw queue) before it is scrolled to, as before. Until it has a width
 * the chart, which draws only at a width, holds its place empty.
 */
function useContainerWidth(fixed: number | undefined): [React.RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(fixed ?? 0);
  useEffect(() => {
    if (fixed !== undefined) return;
    const element = ref.current;
    if (!element) return;
    let reported = false;
    const observer = new ResizeObserver((entries) => {
      const entry = entries[entries.length - 1];
      if (!entry) return;
      reported = true;
      setWidth(Math.floor(entry.contentRect.width));
    });
    observer.observe(element);
    const unreported = setTimeout(() => {
      if (!reported) setWidth(Math.floor(element.getBoundingClientRect().width));
    }, UNREPORTED_MEASURE_MS);
    return () => {
      observer.disconnect();
      clearTimeout(unreported);
    };
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
    // Size and layout contained (its height is fixed, its width is its container's): a redraw lays
    // out this chart alone, not the panel around it. (Not paint: the hover read-out may overflow it.)
    <div ref={ref} className="line-chart" data-drawn={drawn ? drawn.signature === signature : false} style={{ width: '100%', height, contain: 'size layout' }}>
      {chart}
    </div>
  );
}
