import { describe, expect, it } from 'vitest';
import { adapterReport, describeAdapter, isSoftwareAdapter } from './adapterReport.ts';

describe('isSoftwareAdapter', () => {
  it('knows the software adapters by the fallback flag or their names', () => {
    expect(isSoftwareAdapter({ isFallbackAdapter: true, info: { vendor: 'nvidia' } })).toBe(true);
    // Chromium's SwiftShader as headless Chromium reports it.
    expect(isSoftwareAdapter({ isFallbackAdapter: false, info: { vendor: 'google', architecture: 'swiftshader', description: '' } })).toBe(true);
    expect(isSoftwareAdapter({ info: { vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' } })).toBe(true);
    expect(isSoftwareAdapter({ info: { vendor: 'mesa', device: 'lavapipe' } })).toBe(true);
    expect(isSoftwareAdapter({ info: { vendor: 'microsoft', description: 'Microsoft Basic Render Driver' } })).toBe(true);
  });

  it('takes hardware adapters as hardware', () => {
    expect(isSoftwareAdapter({ isFallbackAdapter: false, info: { vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA GeForce RTX 3080' } })).toBe(false);
    expect(isSoftwareAdapter({ info: { vendor: 'apple', architecture: 'metal-3' } })).toBe(false);
    expect(isSoftwareAdapter({})).toBe(false);
  });
});

describe('adapterReport / describeAdapter', () => {
  it('reports the fields and names a software adapter so', () => {
    const swiftshader = { info: { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader Device (Subzero)' } };
    expect(adapterReport(swiftshader)).toEqual({ vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader Device (Subzero)', software: true });
    expect(describeAdapter(swiftshader)).toBe('google · swiftshader · SwiftShader Device (Subzero) (software)');
    expect(describeAdapter({ info: { vendor: 'nvidia', device: 'H100' } })).toBe('nvidia · H100');
    expect(describeAdapter({})).toBe('unknown adapter');
  });
});
