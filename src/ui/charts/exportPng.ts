/**
 * Chart → PNG, entirely on the main thread and offline: the chart SVG is serialised (with a
 * white background and an explicit font, since page CSS does not travel with it), loaded as an
 * image from a data: URL, drawn to a canvas under the chart's title and above its legend (the
 * legend is HTML on the page, so it is drawn here), and the canvas is saved as a PNG download.
 */

export interface PngLegendItem {
  label: string;
  color: string;
  /** SVG dash pattern ('' solid). */
  dash?: string;
}

export interface PngOptions {
  title: string;
  legend: PngLegendItem[];
  /** Device pixels per CSS pixel (default 2, for a crisp image). */
  scale?: number;
}

const FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const TITLE_HEIGHT = 28;
const LEGEND_ROW = 18;
const SWATCH = 22;
const PADDING = 8;

/** A file name from a chart title: `mtaa-dev-f1-ner.png`. */
export function pngFileName(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/λ1/g, 'lambda1')
    .replace(/β/g, 'beta')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `mtaa-${slug || 'chart'}.png`;
}

/**
 * Legend rows: items placed left to right, wrapping at `width`. Pure, given a text measure, so it
 * is testable without a canvas.
 */
export function layoutLegend(
  items: readonly PngLegendItem[],
  width: number,
  measure: (text: string) => number,
): { item: PngLegendItem; x: number; row: number }[] {
  const placed: { item: PngLegendItem; x: number; row: number }[] = [];
  let x = PADDING;
  let row = 0;
  for (const item of items) {
    const w = SWATCH + 4 + measure(item.label) + 14;
    if (x > PADDING && x + w > width - PADDING) {
      row++;
      x = PADDING;
    }
    placed.push({ item, x, row });
    x += w;
  }
  return placed;
}

/** The SVG as a standalone document of the given size (namespaces, background, font). */
export function serializeSvg(svg: SVGSVGElement, width: number, height: number): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('xmlns:xlink', 'http://www.w3.org/1999/xlink');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  if (!clone.getAttribute('viewBox')) clone.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const ns = 'http://www.w3.org/2000/svg';
  const style = document.createElementNS(ns, 'style');
  style.textContent = `text { font-family: ${FONT_FAMILY}; font-size: 12px; }`;
  const background = document.createElementNS(ns, 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', '#ffffff');
  clone.insertBefore(background, clone.firstChild);
  clone.insertBefore(style, clone.firstChild);
  return new XMLSerializer().serializeToString(clone);
}

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('the chart could not be rendered as an image'));
    image.src = src;
  });
}

/** Renders the chart's SVG with its title and legend to a PNG blob. */
export async function chartToPng(svg: SVGSVGElement, options: PngOptions): Promise<Blob> {
  const box = svg.getBoundingClientRect();
  const width = Math.max(1, Math.round(box.width || Number(svg.getAttribute('width')) || 600));
  const height = Math.max(1, Math.round(box.height || Number(svg.getAttribute('height')) || 300));
  const scale = options.scale ?? 2;

  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d');
  if (!context) throw new Error('this browser has no 2D canvas');
  context.font = `12px ${FONT_FAMILY}`;
  const placed = layoutLegend(options.legend, width, (text) => context.measureText(text).width);
  const rows = placed.length > 0 ? Math.max(...placed.map((p) => p.row)) + 1 : 0;
  const legendHeight = rows > 0 ? rows * LEGEND_ROW + PADDING : 0;

  canvas.width = Math.round(width * scale);
  canvas.height = Math.round((TITLE_HEIGHT + height + legendHeight) * scale);
  context.scale(scale, scale);
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, TITLE_HEIGHT + height + legendHeight);

  context.fillStyle = '#1d2430';
  context.font = `600 14px ${FONT_FAMILY}`;
  context.textBaseline = 'middle';
  context.fillText(options.title, PADDING, TITLE_HEIGHT / 2);

  const image = await loadImage(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(serializeSvg(svg, width, height))}`);
  context.drawImage(image, 0, TITLE_HEIGHT, width, height);

  context.font = `12px ${FONT_FAMILY}`;
  for (const { item, x, row } of placed) {
    const y = TITLE_HEIGHT + height + PADDING / 2 + row * LEGEND_ROW + LEGEND_ROW / 2;
    context.strokeStyle = item.color;
    context.lineWidth = 2;
    context.setLineDash(item.dash ? item.dash.split(/[\s,]+/).map(Number).filter((n) => Number.isFinite(n)) : []);
    context.beginPath();
    context.moveTo(x, y);
    context.lineTo(x + SWATCH, y);
    context.stroke();
    context.setLineDash([]);
    context.fillStyle = '#1d2430';
    context.fillText(item.label, x + SWATCH + 4, y);
  }

  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the canvas could not be encoded as PNG'))), 'image/png'),
  );
}

/** Saves a blob as a file through a temporary link (no network involved). */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Let the download start before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Finds the chart's SVG inside `container` and downloads it as `fileName` (PNG). */
export async function exportChartPng(container: HTMLElement, options: PngOptions & { fileName?: string }): Promise<void> {
  const svg = container.querySelector<SVGSVGElement>('.line-chart-draw > svg');
  if (!svg) throw new Error('the chart has not been drawn yet');
  const blob = await chartToPng(svg, options);
  downloadBlob(blob, options.fileName ?? pngFileName(options.title));
}
