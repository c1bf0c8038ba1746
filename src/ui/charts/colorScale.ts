/**
 * Colour scales of the inspector: the sequential scale of the β heatmap (0 → 1) and the colours
 * of chunk types. Pure functions (tested in Node).
 */

type Rgb = [number, number, number];

/** ColorBrewer "Blues" (9 classes, light → dark): sequential, readable in greyscale. */
const BLUES: Rgb[] = [
  [247, 251, 255],
  [222, 235, 247],
  [198, 219, 239],
  [158, 202, 225],
  [107, 174, 214],
  [66, 146, 198],
  [33, 113, 181],
  [8, 81, 156],
  [8, 48, 107],
];

/** Colour of a value that is not a number (no β). */
export const MISSING_COLOR = '#e5e7eb';

const hex = (rgb: Rgb) => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;

/** The scale's RGB at t ∈ [0, 1] (clamped), linearly interpolated between the stops. */
function rgbAt(t: number): Rgb {
  const clamped = Math.min(1, Math.max(0, t));
  const position = clamped * (BLUES.length - 1);
  const i = Math.min(Math.floor(position), BLUES.length - 2);
  const f = position - i;
  const a = BLUES[i]!;
  const b = BLUES[i + 1]!;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** Heatmap colour of a β value (domain [0, 1], clamped) as `#rrggbb`. */
export function betaColor(value: number, domain: [number, number] = [0, 1]): string {
  if (!Number.isFinite(value)) return MISSING_COLOR;
  const span = domain[1] - domain[0];
  return hex(rgbAt(span > 0 ? (value - domain[0]) / span : 0));
}

/** Relative luminance (WCAG) of a `#rrggbb` colour. */
export function luminance(color: string): number {
  const channel = (offset: number) => {
    const c = parseInt(color.slice(offset, offset + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** Black or white, whichever reads better on `background`. */
export function textColorOn(background: string): '#000000' | '#ffffff' {
  const l = luminance(background);
  // Contrast with black (l + 0.05) / 0.05 against white 1.05 / (l + 0.05).
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
}

/** `count` evenly spaced stops of the scale, for the legend's CSS gradient. */
export function scaleStops(count = 9, domain: [number, number] = [0, 1]): { value: number; color: string }[] {
  const n = Math.max(2, count);
  return Array.from({ length: n }, (_, i) => {
    const value = domain[0] + ((domain[1] - domain[0]) * i) / (n - 1);
    return { value, color: betaColor(value, domain) };
  });
}

/** A CSS `linear-gradient` of the scale, left (low) to right (high). */
export function scaleGradient(domain: [number, number] = [0, 1]): string {
  const stops = scaleStops(9, domain);
  return `linear-gradient(to right, ${stops.map((s, i) => `${s.color} ${((i / (stops.length - 1)) * 100).toFixed(1)}%`).join(', ')})`;
}

/** displaCy's entity colours, plus the common chunk phrase types. */
const KNOWN_TYPES: Record<string, string> = {
  PER: '#aa9cfc',
  PERSON: '#aa9cfc',
  ORG: '#7aecec',
  LOC: '#ff9561',
  GPE: '#feca74',
  MISC: '#e4e7d2',
  NP: '#c5e1a5',
  VP: '#ffe082',
  PP: '#b3e5fc',
  ADJP: '#f8bbd0',
  ADVP: '#d1c4e9',
  SBAR: '#ffccbc',
  PRT: '#cfd8dc',
};

const OTHER_TYPES = ['#bfe1d9', '#e8d5b5', '#ddd2f5', '#f5d5c8', '#c8e0f4', '#e3f0c2', '#f4cde0', '#d6e4c8'];

/** A light background colour for a chunk type: displaCy's for the known ones, else hashed. */
export function chunkTypeColor(type: string): string {
  const known = KNOWN_TYPES[type.toUpperCase()];
  if (known) return known;
  let hash = 0;
  for (let i = 0; i < type.length; i++) hash = (hash * 31 + type.charCodeAt(i)) >>> 0;
  return OTHER_TYPES[hash % OTHER_TYPES.length]!;
}
