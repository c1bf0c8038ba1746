import type { ReactNode } from 'react';
import { explainTerm, paperTerms, type PaperTermKey } from '../../core/paperTerms.ts';

/**
 * A term of the paper with its one-line explanation and section (src/core/paperTerms.ts): shown
 * on hover (title), and on keyboard focus (the element is focusable; CSS shows the same text), and
 * read by screen readers as the term's description (an `abbr`'s title).
 */
export function Term({ name, children }: { name: PaperTermKey; children?: ReactNode }) {
  const text = explainTerm(name);
  return (
    <abbr className="term" title={text} data-tip={text} tabIndex={0} data-testid="paper-term" data-term={name}>
      {children ?? paperTerms[name].term}
    </abbr>
  );
}
