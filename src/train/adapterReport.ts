/**
 * What a WebGPU adapter is, for the backend picker and the benchmark: its vendor, architecture and
 * description, and whether it is a software one (a CPU emulating a GPU), which the workbench never
 * picks by itself and the benchmark never reports as GPU speed. Pure TypeScript: the worker and the
 * CLI pass in what their `GPUAdapter` says.
 */
import type { AdapterReport } from './benchmark.ts';

/** The part of a `GPUAdapter` read here (TS 5.9's DOM typings have no WebGPU). */
export interface AdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string; device?: string };
  isFallbackAdapter?: boolean;
}

/**
 * Software rasterisers that expose WebGPU (or Vulkan under Dawn): Chromium's SwiftShader (its info
 * reads vendor 'google', architecture 'swiftshader'), Mesa's lavapipe and llvmpipe, Microsoft's
 * WARP ('Microsoft Basic Render Driver').
 */
const SOFTWARE = /swiftshader|lavapipe|llvmpipe|softpipe|basic render driver|\bwarp\b/i;

export function isSoftwareAdapter(adapter: AdapterLike): boolean {
  if (adapter.isFallbackAdapter === true) return true;
  const info = adapter.info ?? {};
  return [info.vendor, info.architecture, info.description, info.device].some((text) => !!text && SOFTWARE.test(text));
}

export function adapterReport(adapter: AdapterLike): AdapterReport {
  const info = adapter.info ?? {};
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    description: info.description || info.device || '',
    software: isSoftwareAdapter(adapter),
  };
}

/** One line for people: "google · swiftshader · … (software)". */
export function describeAdapter(adapter: AdapterLike): string {
  const report = adapterReport(adapter);
  const parts = [report.vendor, report.architecture, report.description].filter((p) => p.length > 0);
  const text = parts.length > 0 ? parts.join(' · ') : 'unknown adapter';
  return report.software ? `${text} (software)` : text;
}
