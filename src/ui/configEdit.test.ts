import { describe, expect, it } from 'vitest';
import type { RunConfig } from '../protocol.ts';
import { presets } from '../core/config.ts';
import {
  applyField,
  describeConfig,
  fieldKinds,
  fieldValue,
  formatDuration,
  numberField,
  siblingLabel,
} from './configEdit.ts';

const tiny = (): RunConfig => structuredClone(presets.tiny);

describe('config switches', () => {
  it('classifies every switch of DESIGN.md as live, shape or new-run', () => {
    expect(Object.entries(fieldKinds).filter(([, k]) => k === 'live').map(([f]) => f).sort()).toEqual(
      ['discriminator', 'lambdaAdversarial', 'lambdaOrthogonality', 'learningRate'].sort(),
    );
    expect(fieldKinds.fusion).toBe('shape');
    expect(fieldKinds.adversary).toBe('shape');
    expect(fieldKinds.architecture).toBe('shape');
    expect(fieldKinds.hidden).toBe('shape');
  });

  it("takes each number switch's label and range from core's field table", () => {
    expect(numberField('lambdaAdversarial')).toEqual({ label: 'λ1 adversarial', integer: false, min: 0, max: 1e4, minOpen: false });
    expect(numberField('learningRate')).toMatchObject({ min: 0, minOpen: true });
    expect(numberField('hidden')).toEqual({ label: 'hidden (per direction)', integer: true, min: 1, max: 2048, minOpen: false });
    expect(() => numberField('fusion')).toThrow(/choice/);
  });

  it('sets choices as names and numbers as numbers', () => {
    const next = applyField(applyField(tiny(), 'fusion', 'concat'), 'epochs', '7');
    expect(next.model.fusion).toBe('concat');
    expect(next.train.epochs).toBe(7);
    expect(fieldValue(next, 'epochs')).toBe(7);
    expect(fieldValue(next, 'fusion')).toBe('concat');
  });

  it('applies fields without touching the original; hidden and layers set both encoders', () => {
    const base = tiny();
    const next = applyField(applyField(base, 'hidden', 32), 'layers', 2);
    expect(next.model.individual).toEqual({ hidden: 32, layers: 2 });
    expect(next.model.shared).toEqual({ hidden: 32, layers: 2 });
    expect(base.model.individual.hidden).toBe(16);
    expect(fieldValue(next, 'hidden')).toBe(32);
  });

  it('discriminator off is λ1 = 0; on restores the given λ1', () => {
    const off = applyField(tiny(), 'discriminator', false);
    expect(off.train.lambdaAdversarial).toBe(0);
    expect(fieldValue(off, 'discriminator')).toBe(false);
    expect(applyField(off, 'discriminator', true, 3).train.lambdaAdversarial).toBe(3);
  });

  it('names ablations and siblings the way the paper does', () => {
    expect(describeConfig(tiny())).toBe('MTAA');
    expect(describeConfig(applyField(tiny(), 'adversary', 'none'))).toBe('no-TD');
    expect(describeConfig(applyField(tiny(), 'adversary', 'embedding'))).toBe('E-ADV');
    expect(describeConfig(applyField(tiny(), 'fusion', 'twoStep'))).toBe('two-step attention');
    expect(describeConfig(applyField(applyField(tiny(), 'fusion', 'concat'), 'adversary', 'embedding'))).toBe('E-ADV + concat');
    expect(describeConfig(applyField(tiny(), 'architecture', 'base'))).toBe('base');
    expect(siblingLabel('MTAA', 'fusion', 'average')).toBe('MTAA → average fusion');
    expect(siblingLabel('MTAA', 'adversary', 'none')).toBe('MTAA → no-TD');
    expect(siblingLabel('MTAA', 'hidden', 32)).toBe('MTAA → hidden 32');
  });

  it('describes durations', () => {
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});
