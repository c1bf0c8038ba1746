import { describe, expect, it } from 'vitest';
import { presets } from '../core/config.ts';
import type { LiveChange, RunConfig } from '../protocol.ts';
import { applyField } from './configEdit.ts';
import { describeLiveChange, formatNumber, lastNonZeroLambda, liveSettings } from './liveChange.ts';

const tiny = (): RunConfig => structuredClone(presets.tiny);

describe('live settings', () => {
  it('sends only the live settings that differ', () => {
    expect(liveSettings(tiny(), applyField(tiny(), 'discriminator', false))).toEqual({ lambdaAdversarial: 0 });
    const both = applyField(applyField(tiny(), 'learningRate', 0.5), 'epochs', 9);
    expect(liveSettings(tiny(), both)).toEqual({ learningRate: 0.5 });
    expect(liveSettings(tiny(), tiny())).toEqual({});
  });

  it('finds the λ1 to restore when the discriminator is switched back on', () => {
    const changes: LiveChange[] = [
      { runId: 'r', step: 3, epoch: 1, settings: { lambdaAdversarial: 2 }, previous: { lambdaAdversarial: 5 } },
      { runId: 'r', step: 5, epoch: 1, settings: { lambdaAdversarial: 0, learningRate: 0.1 }, previous: { lambdaAdversarial: 2, learningRate: 0.01 } },
    ];
    expect(lastNonZeroLambda(tiny(), changes)).toBe(2);
    const zero = applyField(tiny(), 'lambdaAdversarial', 0);
    expect(lastNonZeroLambda(zero, [], 7)).toBe(7);
  });
});

describe('the text of a live change', () => {
  it('says on the run card what changed and whether the discriminator went off or on', () => {
    expect(describeLiveChange({ settings: { lambdaAdversarial: 0 }, previous: { lambdaAdversarial: 5 } })).toBe('λ1 5 → 0 (discriminator off)');
    expect(describeLiveChange({ settings: { lambdaAdversarial: 2 }, previous: { lambdaAdversarial: 0 } })).toBe('λ1 0 → 2 (discriminator on)');
    expect(describeLiveChange({ settings: { learningRate: 0.0005 } })).toBe('lr 0.0005');
  });

  it('writes the same change shorter as a chart marker, settings in the field table order', () => {
    expect(describeLiveChange({ settings: { lambdaAdversarial: 0 }, previous: { lambdaAdversarial: 5 } }, 'marker')).toBe('λ1 5→0');
    expect(describeLiveChange({ settings: { learningRate: 0.001, lambdaOrthogonality: 0.1 }, previous: { learningRate: 0.002 } }, 'marker')).toBe('λ2→0.1, lr 0.002→0.001');
    expect(describeLiveChange({ settings: {} }, 'marker')).toBe('');
    expect(describeLiveChange({ settings: {} })).toBe('');
  });

  it('formats values with up to 4 significant digits', () => {
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(0.0005)).toBe('0.0005');
    expect(formatNumber(1 / 3)).toBe('0.3333');
    expect(formatNumber(0.00001)).toBe('1.00e-5');
    expect(formatNumber(250000)).toBe('2.50e+5');
  });
});
