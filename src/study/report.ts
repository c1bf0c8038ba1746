/**
 * What `mtaa study collect` writes from the shared table (table.ts): the paper-style table as
 * Markdown and JSON, with each configuration's test difference to the baseline and its paired
 * bootstrap p-value (bootstrap.ts), and the dev curves per task as SVG. Pure text.
 */
import type { BootstrapResult } from './bootstrap.ts';
import type { StudyDiagnostics } from './diagnostics.ts';
import type { MeanStd, StudyTable, StudyTaskCurves } from './table.ts';

/** Per configuration (not the baseline) and task: its test difference to the baseline. */
export type Comparisons = Record<string, Record<string, BootstrapResult | { missing: string }>>;

const fmt = (v: MeanStd | undefined) => (!v || v.n === 0 ? '–' : v.n > 1 ? `${v.mean.toFixed(2)} ± ${v.std.toFixed(2)}` : v.mean.toFixed(2));
const signed = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(2)}` : '–');
const pText = (p: number, samples: number) => (p === 0 ? `p < ${(1 / samples).toPrecision(1)}` : `p = ${p.toFixed(3)}`);

export function comparisonText(c: BootstrapResult | { missing: string } | undefined): string {
  if (!c) return '';
  if ('missing' in c) return 'n/a';
  return `${signed(c.delta)} (${pText(c.p, c.samples)})`;
}


/**
 * The table: a row per configuration; per task the best dev epoch's dev score and its test score
 * (mean ± std over seeds) and, with test predictions, Δ test to the baseline with its p-value.
 * A study without a test file (a recipe search by dev scores) gets Δ dev instead: the difference of
 * the dev means to the baseline's, with no p-value (the best epoch was picked on that dev set).
 */
export function studyMarkdown(table: StudyTable, comparisons: Comparisons, baseline: string, bootstrap: { samples: number; seed: number }): string {
  const hasCompare = Object.keys(comparisons).length > 0;
  const base = table.rows.find((r) => r.configName === baseline);
  const devDelta = !table.hasTest && base !== undefined && table.rows.length > 1;
  const header = ['configuration', 'seeds', 'best dev epoch'];
  for (const t of table.tasks) header.push(`${t} dev`, ...(devDelta ? [`${t} Δ dev`] : []), ...(table.hasTest ? [`${t} test`] : []), ...(hasCompare ? [`${t} Δ test`] : []));
  header.push('mean dev');
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const row of table.rows) {
    const cells = [row.configName === baseline ? `${row.configName} (baseline)` : row.configName, row.seeds.join(', '), row.bestEpochs.join(', ')];
    for (const t of table.tasks) {
      const cell = row.tasks[t];
      cells.push(fmt(cell?.dev));
      if (devDelta) cells.push(row.configName === baseline ? '—' : signed((cell?.dev.mean ?? NaN) - (base.tasks[t]?.dev.mean ?? NaN)));
      if (table.hasTest) cells.push(fmt(cell?.test));
      if (hasCompare) cells.push(row.configName === baseline ? '—' : comparisonText(comparisons[row.configName]?.[t]));
    }
    cells.push(fmt(row.devScore));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const notes = [
    '',
    'Scores in percent: F1 (conlleval) for chunk tasks, token accuracy for the others; mean ± sample standard',
    "deviation over the seeds. Each run's test score is its best dev epoch's (the weights `mtaa train` keeps).",
  ];
  if (devDelta) notes.push(`Δ dev: the configuration's mean dev score minus ${baseline}'s (no test file, so no test columns or p-values).`);
  if (hasCompare) {
    notes.push(
      `Δ test: the configuration's mean test score minus ${baseline}'s; p: paired bootstrap over the test sentences`,
      `(${bootstrap.samples} draws, seed ${bootstrap.seed}; each side's score on a draw is the mean over its seeds), the share of`,
      'draws in which the difference does not have the observed sign.',
    );
  }
  return `${lines.join('\n')}\n${notes.join('\n')}\n`;
}

const fmt3 = (v: MeanStd | undefined) => (!v || v.n === 0 ? '–' : v.n > 1 ? `${v.mean.toFixed(3)} ± ${v.std.toFixed(3)}` : v.mean.toFixed(3));

/**
 * The diagnostics (diagnostics.ts) as a second table: per configuration, β on each task's own
 * representation and each discriminator's accuracy at the best dev epoch. Empty when no run
 * reports either (a study of base runs only).
 */
export function diagnosticsMarkdown(d: StudyDiagnostics): string {
  if (d.rows.length === 0) return '';
  const header = ['configuration', ...d.tasks.map((t) => `β individual: ${t}`), ...d.pairs.map((p) => `discriminator: ${p}`)];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const row of d.rows) {
    lines.push(`| ${[row.configName, ...d.tasks.map((t) => fmt3(row.individualBeta[t])), ...d.pairs.map((p) => fmt3(row.discriminator[p]))].join(' | ')} |`);
  }
  return [
    'At each run\'s best dev epoch, mean ± std over the seeds: the mean attention β a task puts on its own (individual)',
    'representation on dev (1: the shared encoders are ignored; uniform over R representations is 1/R), and each task',
    "pair's discriminator accuracy on dev (chance 0.5; near 1: the shared space is not task-invariant for that pair).",
    '',
    ...lines,
    '',
  ].join('\n');
}

export function studyJson(table: StudyTable, comparisons: Comparisons, baseline: string, curves: StudyTaskCurves[], diagnostics?: StudyDiagnostics): string {
  const clean = (v: unknown): unknown => (typeof v === 'number' && !Number.isFinite(v) ? null : v);
  return `${JSON.stringify({ format: 'mtaa-study-table-1', baseline, table, comparisons, curves, ...(diagnostics ? { diagnostics } : {}) }, (_k, v: unknown) => clean(v), 2)}\n`;
}

/** The colours of the workbench's run palette (src/ui/charts/series.ts), for the same look. */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** One task's dev curves (one line per configuration, mean over seeds) as a standalone SVG. */
export function curvesSvg(task: StudyTaskCurves, width = 640, height = 360): string {
  const m = { left: 56, right: 170, top: 36, bottom: 44 };
  const points = task.curves.flatMap((c) => c.points);
  const xs = points.map((p) => p.epoch);
  const ys = points.map((p) => p.mean);
  const x0 = Math.min(0, ...xs);
  const x1 = Math.max(1, ...xs);
  let y0 = Math.min(...ys);
  let y1 = Math.max(...ys);
  if (!(y1 > y0)) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const sx = (x: number) => m.left + ((x - x0) / (x1 - x0)) * w;
  const sy = (y: number) => m.top + (1 - (y - y0) / (y1 - y0)) * h;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${m.left}" y="20" font-size="14">${esc(`${task.task}: dev ${task.metric === 'f1' ? 'F1' : 'accuracy'} by epoch (mean over seeds)`)}</text>`,
    `<line x1="${m.left}" y1="${m.top + h}" x2="${m.left + w}" y2="${m.top + h}" stroke="#333"/>`,
    `<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + h}" stroke="#333"/>`,
  ];
  const xStep = Math.max(1, Math.ceil((x1 - x0) / 10));
  for (let x = Math.ceil(x0); x <= x1; x += xStep) out.push(`<text x="${sx(x)}" y="${m.top + h + 16}" text-anchor="middle">${x}</text>`);
  for (let i = 0; i <= 4; i++) {
    const y = y0 + ((y1 - y0) * i) / 4;
    out.push(`<line x1="${m.left}" y1="${sy(y)}" x2="${m.left + w}" y2="${sy(y)}" stroke="#ddd"/>`, `<text x="${m.left - 6}" y="${sy(y) + 4}" text-anchor="end">${y.toFixed(1)}</text>`);
  }
  out.push(`<text x="${m.left + w / 2}" y="${height - 8}" text-anchor="middle">epoch</text>`);
  task.curves.forEach((c, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const d = c.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${sx(p.epoch).toFixed(1)},${sy(p.mean).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2" data-config="${esc(c.configName)}"/>`);
    for (const p of c.points) out.push(`<circle cx="${sx(p.epoch).toFixed(1)}" cy="${sy(p.mean).toFixed(1)}" r="3" fill="${color}"><title>${esc(`${c.configName} epoch ${p.epoch}: ${p.mean.toFixed(2)} (${p.n} seeds)`)}</title></circle>`);
    const ly = m.top + 14 + i * 18;
    out.push(`<line x1="${m.left + w + 12}" y1="${ly - 4}" x2="${m.left + w + 32}" y2="${ly - 4}" stroke="${color}" stroke-width="2"/>`, `<text x="${m.left + w + 38}" y="${ly}">${esc(c.configName)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
