import { describe, expect, it } from 'vitest';
import type { LiveChange, RunConfig } from '../protocol.ts';
import { presets } from '../core/config.ts';
import {
  applyField,
  describeConfig,
  describeLiveChange,
  effectiveConfig,
  fieldKinds,
  fieldValue,
  formatDuration,
  lastNonZeroLambda,
  liveSettings,
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
    expect(liveSettings(tiny(), off)).toEqual({ lambdaAdversarial: 0 });
  });

  it('folds live changes into the effective config and finds the λ1 to restore', () => {
    const changes: LiveChange[] = [
      { runId: 'r', step: 3, epoch: 1, settings: { lambdaAdversarial: 2 }, previous: { lambdaAdversarial: 5 } },
      { runId: 'r', step: 5, epoch: 1, settings: { lambdaAdversarial: 0, learningRate: 0.1 }, previous: { lambdaAdversarial: 2, learningRate: 0.01 } },
    ];
    const now = effectiveConfig(tiny(), changes);
    expect(now.train.lambdaAdversarial).toBe(0);
    expect(now.train.learningRate).toBe(0.1);
    expect(lastNonZeroLambda(tiny(), changes)).toBe(2);
    const zero = applyField(tiny(), 'lambdaAdversarial', 0);
    expect(lastNonZeroLambda(zero, [], 7)).toBe(7);
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

  it('describes markers and durations', () => {
    expect(describeLiveChange({ runId: 'r', step: 1, epoch: 1, settings: { lambdaAdversarial: 0 }, previous: { lambdaAdversarial: 5 } })).toBe(
      'λ1 5 → 0 (discriminator off)',
    );
    expect(describeLiveChange({ runId: 'r', step: 1, epoch: 1, settings: { learningRate: 0.0005 } })).toBe('lr 0.0005');
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});
