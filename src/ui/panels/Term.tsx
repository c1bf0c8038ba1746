import type { ReactNode } from 'react';
import { explainTerm, paperTerms, type PaperTermKey } from '../../core/paperTerms.ts';

/**
 * A term of the paper with its one-line explanation and section (src/core/paperTerms.ts): shown
 * on hover (title), and on keyboard focus (the element is focusable; CSS shows the same text), and
 * read by screen readers as the term's description (an `abbr`'s title). Inside a control (a chart
 * legend's button) it is not focusable itself (`focusable={false}`): a focus stop nested in a
 * button is invalid, and the hover text still shows.
 */
export function Term({ name, children, focusable = true }: { name: PaperTermKey; children?: ReactNode; focusable?: boolean }) {
  const text = explainTerm(name);
  return (
    <abbr className="term" title={text} data-tip={focusable ? text : undefined} tabIndex={focusable ? 0 : undefined} data-testid="paper-term" data-term={name}>
      {children ?? paperTerms[name].term}
    </abbr>
  );
}
