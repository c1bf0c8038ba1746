import type { SVGProps } from 'react';
import { Term } from '../panels/Term.tsx';
import { svgTermTitle, termSegments, termsIn } from './chartTerms.ts';

/**
 * A chart's text (a title, a legend entry, a line-style key, a loss part) with each paper term in it
 * explained on hover and keyboard focus (`Term`, from src/core/paperTerms.ts). Inside a control
 * (`inControl`: a legend button) the terms explain themselves on hover only.
 */
export function ChartText({ text, inControl = false }: { text: string; inControl?: boolean }) {
  return (
    <>
      {termSegments(text).map((segment, i) =>
        typeof segment === 'string' ? (
          segment
        ) : (
          <Term key={i} name={segment.term} focusable={!inControl}>
            {segment.text}
          </Term>
        ),
      )}
    </>
  );
}

/**
 * A label drawn in a chart's SVG (an axis label, a live-change marker) whose paper terms explain
 * themselves on hover: SVG has no `<abbr>`, so the label carries a `<title>` with one line per term
 * it names (and `data-terms`, their keys).
 */
export function SvgChartText({ text, ...props }: { text: string } & Omit<SVGProps<SVGTextElement>, 'children'>) {
  const title = svgTermTitle(text);
  return (
    <text {...props} data-terms={title === null ? undefined : termsIn(text).join(' ')}>
      {title !== null && <title>{title}</title>}
      {text}
    </text>
  );
}
