import { describe, expect, it } from 'vitest';
import { presets } from '../core/config.ts';
import { parseSharedJson, readShareParam, ShareError, shareUrl, sharedConfigJson, SHARE_PARAM, withoutShareParam } from './shareConfig.ts';

const hash = 'ab'.repeat(32);

describe('shared configs', () => {
  it('round-trips a config and its dataset exactly through the URL, keeping other parameters', () => {
    const config = structuredClone(presets.tiny);
    config.train.learningRate = 0.0123456789;
    config.train.seed = 42;
    config.model.fusion = 'twoStep';
    const url = shareUrl('http://127.0.0.1:4173/?testhooks&backend=wasm', { config, dataset: { name: 'eng.tésta', hash } });
    const parsed = new URL(url);
    expect(parsed.searchParams.has('testhooks')).toBe(true);
    expect(parsed.searchParams.get('backend')).toBe('wasm');
    const back = readShareParam(parsed.search);
    expect(back).toEqual({ config, dataset: { name: 'eng.tésta', hash } });
    expect(withoutShareParam(url)).not.toContain(`${SHARE_PARAM}=`);
  });

  it('round-trips through the JSON file', () => {
    const config = structuredClone(presets.tiny);
    expect(parseSharedJson(sharedConfigJson({ config }), 'c.json')).toEqual({ config });
  });

  it('has no share without the parameter', () => {
    expect(readShareParam('?testhooks')).toBeNull();
  });

  it('names the problem of a malformed URL or file', () => {
    expect(() => readShareParam(`?${SHARE_PARAM}=%%%`)).toThrow(/URL parameter "config": config: cannot be decoded/);
    // Valid base64url, but cut: not JSON any more.
    const cut = new URL(shareUrl('http://x/', { config: structuredClone(presets.tiny) })).searchParams.get(SHARE_PARAM)!.slice(0, 40);
    expect(() => readShareParam(`?${SHARE_PARAM}=${cut}`)).toThrow(ShareError);
    expect(() => parseSharedJson('{"format":"mtaa-workbench-config",', 'c.json')).toThrow(/c\.json: JSON: not valid JSON/);
    expect(() => parseSharedJson('[]', 'c.json')).toThrow(/c\.json: JSON: expected an object/);
    expect(() => parseSharedJson('{"format":"other","version":1,"config":{}}', 'c.json')).toThrow(/c\.json: format: expected "mtaa-workbench-config"/);
    expect(() => parseSharedJson('{"format":"mtaa-workbench-config","version":9,"config":{}}', 'c.json')).toThrow(/version: version 9 is not supported/);
    expect(() => parseSharedJson('{"format":"mtaa-workbench-config","version":1}', 'c.json')).toThrow(/c\.json: config: missing/);
    expect(() => parseSharedJson('{"format":"mtaa-workbench-config","version":1,"config":{},"extra":1}', 'c.json')).toThrow(/c\.json: extra: unknown field/);
    expect(() => parseSharedJson('{"format":"mtaa-workbench-config","version":1,"config":{},"dataset":{"name":"x","hash":"12"}}', 'c.json')).toThrow(
      /dataset\.hash: expected a SHA-256/,
    );
  });
});
