import { describe, expect, it } from 'vitest';
import { explainTerm, paperTerms } from '../../core/paperTerms.ts';
import { CHART_TERM_SPELLINGS, svgTermTitle, termSegments, termsIn } from './chartTerms.ts';

describe('paper terms in chart text', () => {
  it('cuts a text into plain pieces and terms that join back to it', () => {
    const text = 'Learning rate and λ1 per step';
    const segments = termSegments(text);
    expect(segments).toEqual(['Learning rate and ', { text: 'λ1', term: 'lambda1' }, ' per step']);
    expect(segments.map((s) => (typeof s === 'string' ? s : s.text)).join('')).toBe(text);
  });

  it('finds the terms of run labels, siblings included, longest spelling first', () => {
    expect(termsIn('MTAA → two-step attention fusion')).toEqual(['mtaa', 'twoStep', 'fusion']);
    expect(termsIn('E-ADV + average')).toEqual(['eAdv', 'average']);
    expect(termsIn('no-TD + concat')).toEqual(['noTd', 'concat']);
    expect(termsIn('MTAA → task dim 64')).toEqual(['mtaa', 'taskDim']);
    expect(termsIn('MTAA → adversary on h^t')).toEqual(['mtaa', 'individualAdversary']);
    expect(termsIn('MTAA → base (single-task)')).toEqual(['mtaa', 'base']);
  });

  it('finds the terms of titles, axes, loss parts, representations and markers', () => {
    expect(termsIn('Discriminator POS+NER')).toEqual(['discriminator']);
    expect(termsIn('NER — mean β')).toEqual(['beta']);
    expect(termsIn('orthogonality (log)')).toEqual(['orthogonality']);
    expect(termsIn('NER (CRF)')).toEqual(['crf']);
    expect(termsIn('shared:POS')).toEqual(['sharedEncoder']);
    expect(termsIn('individual')).toEqual(['individualEncoder']);
    expect(termsIn('λ1 5→1, λ2 0.02→0.1')).toEqual(['lambda1', 'lambda2']);
    expect(termsIn('lambda_adv')).toEqual(['lambda1']);
  });

  it('takes a spelling only as a whole word', () => {
    expect(termsIn('database of layersome basement')).toEqual([]);
    expect(termsIn('dev accuracy per epoch')).toEqual([]);
    expect(termSegments('')).toEqual([]);
  });

  it('maps every spelling to an entry with an explanation and its source', () => {
    for (const { term } of CHART_TERM_SPELLINGS) {
      expect(paperTerms[term].explanation.length, term).toBeGreaterThan(20);
      expect(paperTerms[term].source, term).toMatch(/§|Gui et al/);
    }
  });

  it('gives an SVG label one line per term, or nothing', () => {
    expect(svgTermTitle('Learning rate and λ1 / λ2')).toBe(`${explainTerm('lambda1')}\n${explainTerm('lambda2')}`);
    expect(svgTermTitle('step')).toBeNull();
  });
});
