import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ablations } from './config.ts';
import { configFields } from './configFields.ts';
import { ablationTerms, choiceTerms, explainTerm, paperTerms, type PaperTermKey } from './paperTerms.ts';

describe('paper terms', () => {
  it('explains each term in one line with its source', () => {
    for (const key of Object.keys(paperTerms) as PaperTermKey[]) {
      const text = explainTerm(key);
      expect(text, key).not.toContain('\n');
      expect(text, key).toMatch(/^.+ — .+ \((paper §|Gui et al\.).+\)$/);
    }
    expect(explainTerm('lambda1')).toBe(`λ1 — ${paperTerms.lambda1.explanation} (paper §III-E, eq. 12)`);
  });

  it('cites sections the paper has', () => {
    const paper = readFileSync(new URL('../../../shared/papers/mtaa-wang-2020.txt', import.meta.url), 'utf8');
    const headings = new Set([...paper.matchAll(/^([IVX]+)\. [A-Z]/gm)].map((m) => m[1]));
    for (const { source } of Object.values(paperTerms)) {
      for (const [, part] of source.matchAll(/§([IVX]+)(?:-[A-H])?/g)) expect(headings, source).toContain(part);
    }
  });

  it('covers every ablation and every choice of the architecture, adversary and fusion fields', () => {
    expect(Object.keys(ablationTerms).sort()).toEqual(Object.keys(ablations).sort());
    expect(Object.keys(choiceTerms.architecture).sort()).toEqual(Object.keys(configFields['model.architecture'].choices).sort());
    expect(Object.keys(choiceTerms.adversary).sort()).toEqual(Object.keys(configFields['model.adversary'].choices).sort());
    expect(Object.keys(choiceTerms.fusion).sort()).toEqual(Object.keys(configFields['model.fusion'].choices).sort());
  });
});
