import { describe, expect, it } from 'vitest';
import { presets } from './config.ts';
import { checkSharedConfig } from './checkSharedConfig.ts';

describe('checkSharedConfig', () => {
  it('accepts a complete config unchanged', () => {
    const config = structuredClone(presets.small);
    config.train.seed = 9;
    expect(checkSharedConfig(config)).toEqual({ ok: true, config });
  });

  it('names a missing, unknown, mistyped or out-of-range field', () => {
    const missing = structuredClone(presets.tiny) as unknown as { model: Record<string, unknown> };
    delete missing.model.dropout;
    expect(checkSharedConfig(missing)).toMatchObject({ ok: false, field: 'config.model.dropout' });
    expect(checkSharedConfig({ ...presets.tiny, extra: 1 })).toMatchObject({ ok: false, field: 'config.extra', message: 'config.extra: unknown field' });
    const typed = structuredClone(presets.tiny) as unknown as { train: Record<string, unknown> };
    typed.train.epochs = '3';
    expect(checkSharedConfig(typed)).toMatchObject({ ok: false, field: 'config.train.epochs' });
    const range = structuredClone(presets.tiny);
    range.model.fusion = 'sum' as never;
    expect(checkSharedConfig(range)).toMatchObject({ ok: false, field: 'config.model.fusion' });
  });
});
