/**
 * The charts' and inspector's CSS, carried by the components themselves: React 19 hoists a
 * `<style href precedence>` into the document head once, however many components render it.
 * (Kept here rather than in styles.css so these components stay self-contained.)
 */
const css = `
.charts { display: grid; gap: 1rem; }
/* A chart group or card off screen is neither laid out nor painted: with ten runs the panel holds
   thousands of SVG nodes, and each frame of a training run (a progress text, one chart's redraw)
   otherwise re-walked all of them (issue 15). The size stands in while it is skipped. */
.charts > .chart-group, .charts > .chart-card { content-visibility: auto; contain-intrinsic-size: auto 320px; }
.chart-card { background: white; border: 1px solid var(--border, #d9dde3); border-radius: 8px; padding: 0.6rem 0.8rem; min-width: 0; }
.chart-card > header { display: flex; align-items: center; gap: 0.5rem; flex-wrap: wrap; }
.chart-card h3 { margin: 0; font-size: 0.95rem; flex: 1 1 auto; }
.chart-card .chart-controls { display: flex; align-items: center; gap: 0.6rem; flex-wrap: wrap; font-size: 0.8rem; }
.chart-card .chart-controls label { display: inline-flex; align-items: center; gap: 0.2rem; cursor: pointer; }
.chart-card button.png { font-size: 0.75rem; padding: 0.05rem 0.5rem; background: white; color: var(--accent, #2f6fdf); }
.chart-empty { color: var(--muted, #6b7280); font-size: 0.85rem; padding: 1.5rem 0; text-align: center; }
.chart-tooltip { background: white; border: 1px solid #d9dde3; border-radius: 4px; padding: 0.3rem 0.5rem; font-size: 12px; line-height: 1.5; pointer-events: none; white-space: nowrap; z-index: 1; }
.chart-error { color: var(--error, #b3261e); font-size: 0.8rem; }
.chart-group { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 0.6rem; }
.chart-group > h3 { grid-column: 1 / -1; margin: 0; font-size: 1rem; }
.run-legend { list-style: none; display: flex; flex-wrap: wrap; gap: 0.3rem 0.8rem; margin: 0.3rem 0; padding: 0; font-size: 0.8rem; }
.run-legend button, .run-legend .legend-label { display: inline-flex; align-items: center; gap: 0.3rem; background: none; border: none; color: inherit; padding: 0.1rem 0.2rem; cursor: pointer; }
.run-legend .legend-label { cursor: default; }
.run-legend button[aria-pressed='false'] { opacity: 0.45; text-decoration: line-through; }
.run-legend .swatch { display: inline-block; width: 14px; height: 4px; border-radius: 2px; }
.style-key { display: flex; flex-wrap: wrap; gap: 0.2rem 0.8rem; margin: 0.2rem 0; font-size: 0.75rem; color: var(--muted, #6b7280); }
.style-key span { display: inline-flex; align-items: center; gap: 0.25rem; }

.inspector .picker { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1rem; align-items: start; }
.inspector .picker select { width: 100%; font: inherit; font-size: 0.85rem; }
.inspector .picker input[type='search'], .inspector .picker textarea { width: 100%; box-sizing: border-box; font: inherit; font-size: 0.85rem; }
.inspector .row { display: flex; gap: 0.5rem; align-items: center; margin: 0.3rem 0; flex-wrap: wrap; }
.inspector-task { border-top: 1px solid var(--border, #d9dde3); margin-top: 0.8rem; padding-top: 0.6rem; }
.inspector-task h3 { margin: 0 0 0.4rem; font-size: 1rem; display: flex; gap: 0.6rem; align-items: baseline; }
.tag-line { display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 0.3rem; line-height: 1.9; margin: 0.2rem 0; }
.tag-line .line-label { width: 5.5rem; color: var(--muted, #6b7280); font-size: 0.75rem; flex: none; }
.tag-line .token { padding: 0 0.1rem; }
.tag-line .token.error { text-decoration: underline wavy var(--error, #b3261e); text-underline-offset: 3px; }
.tag-line .chunk { border-radius: 0.35em; padding: 0.05em 0.35em; border: 2px solid transparent; }
.tag-line .chunk.error { border-color: var(--error, #b3261e); border-style: dashed; }
.tag-line .chunk-type { font-size: 0.65em; font-weight: 700; text-transform: uppercase; margin-left: 0.35em; vertical-align: middle; }
.tag-grid { display: flex; flex-wrap: wrap; gap: 0.2rem; }
.tag-grid .cell { display: inline-flex; flex-direction: column; align-items: center; border: 1px solid var(--border, #d9dde3); border-radius: 4px; padding: 0.1rem 0.3rem; font-size: 0.8rem; }
.tag-grid .cell .tag { font-family: ui-monospace, monospace; font-size: 0.72rem; color: #374151; }
.tag-grid .cell.error { border-color: var(--error, #b3261e); background: #fdecea; }
.tag-grid .cell.error .tag.predicted { color: var(--error, #b3261e); font-weight: 700; }
.beta-heatmap { border-collapse: collapse; font-size: 0.78rem; margin-top: 0.4rem; }
.beta-heatmap th, .beta-heatmap td { border: 1px solid #fff; padding: 0.1rem 0.45rem; }
.beta-heatmap thead th { font-weight: 600; font-size: 0.72rem; }
.beta-heatmap tbody th { text-align: right; font-weight: 500; }
.beta-heatmap td { text-align: right; font-variant-numeric: tabular-nums; min-width: 3.2rem; cursor: default; }
.beta-heatmap td:hover, .beta-heatmap td.hovered { outline: 2px solid #1d2430; outline-offset: -2px; }
.beta-scale { display: flex; align-items: center; gap: 0.4rem; font-size: 0.72rem; color: var(--muted, #6b7280); margin-top: 0.3rem; }
.beta-scale .bar { width: 160px; height: 10px; border-radius: 2px; border: 1px solid var(--border, #d9dde3); }
.beta-tooltip { min-height: 1.3em; font-size: 0.78rem; font-family: ui-monospace, monospace; }
`;

export function ChartStyles() {
  return (
    <style href="mtaa-charts" precedence="medium">
      {css}
    </style>
  );
}
