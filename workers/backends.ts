/**
 * tfjs backend selection in the worker: WebGPU → WebGL → WASM → CPU.
 *
 * - Chosen automatically (no backend asked for), a software GPU is skipped: a WebGPU fallback or
 *   software adapter (SwiftShader, lavapipe, llvmpipe: `adapterReport.ts`) or a WebGL context on a
 *   software renderer is a CPU emulating a GPU, ~50× slower than WASM. It is listed as software
 *   (`BackendInfo.software`) and starts when asked for by name.
 * - WebGPU: `navigator.gpu` and an adapter are checked before the backend's module is even
 *   imported; the device's `lost` promise and its first uncaptured error are watched and reported.
 *   The tfjs settings for a real GPU are applied before it starts (`webgpuSettings.ts`).
 * - WASM: single-threaded, its binaries served from the app's own origin (Vite `?url` imports),
 *   so no CDN request is ever made.
 * The user can ask for any backend; one that fails to start falls through to the next.
 */
import { messageOf } from '../src/core/errors.ts';
import * as tf from '@tensorflow/tfjs';
import type { Backend, BackendFault, BackendInfo } from '../src/protocol.ts';
import { applyWebGpuSettings } from '../src/model/webgpuSettings.ts';
import { describeAdapter, isSoftwareAdapter, type AdapterLike } from '../src/train/adapterReport.ts';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export const BACKEND_ORDER: readonly Backend[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** The part of WebGPU we touch (the DOM typings of TS 5.9 have no WebGPU). */
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null>;
}
interface GpuDeviceLike {
  lost: Promise<{ reason?: string; message?: string }>;
  addEventListener?(type: 'uncapturederror', listener: (event: { error?: { message?: string } }) => void): void;
  createBuffer?(descriptor: { size: number; usage: number }): unknown;
}

/** The first line of a WebGPU error message (Dawn appends a multi-line call trace), at most 300 characters. */
function gpuErrorReason(message: string | undefined): string {
  const line = (message ?? '').split('\n').find((l) => l.trim().length > 0)?.trim() ?? '';
  const text = line.length > 300 ? `${line.slice(0, 299)}…` : line;
  return `WebGPU error: ${text || 'unknown'}`;
}

function gpu(): GpuLike | undefined {
  return (self.navigator as Navigator & { gpu?: GpuLike }).gpu;
}

/** Software WebGL renderers (Chromium's SwiftShader through ANGLE, Mesa's llvmpipe, WARP). */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|lavapipe|softpipe|basic render driver/i;

function webglRenderer(gl?: WebGL2RenderingContext | null): string {
  try {
    gl ??= (tf.backend() as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } }).gpgpu?.gl;
    if (!gl) return '';
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    return String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
  } catch {
    return '';
  }
}

let wasmLoaded: Promise<void> | null = null;
function loadWasm(): Promise<void> {
  wasmLoaded ??= (async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmPlainUrl,
      'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
    });
    // One thread: no SharedArrayBuffer / cross-origin isolation needed, and the worker is the thread.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  })();
  return wasmLoaded;
}

let webgpuLoaded: Promise<unknown> | null = null;

export interface BackendManagerOptions {
  /**
   * Called once per device when it is lost (WebGPU device.lost, WebGL context loss) or reports an
   * error (WebGPU's uncaptured errors: a kernel that failed validation has left garbage behind).
   */
  onLost(backend: Backend, reason: string, fault: BackendFault): void;
  /** Threads a training step uses on a backend (gradient peers); default 1. */
  threads?(backend: Backend): number;
}

export class BackendManager {
  private activeName: Backend | null = null;
  private adapter = '';
  private readonly failed = new Map<Backend, string>();
  private probed: Backend[] = [];
  /** Backends whose device is a software one, with what it is ("google · swiftshader (software)"). */
  private readonly software = new Map<Backend, string>();
  private message: string | undefined;
  /** The last loss of the backend that was active then ("webgpu was lost (…)"), until it runs again. */
  private lost: string | undefined;
  private watched = new Set<unknown>();

  constructor(private readonly options: BackendManagerOptions) {}

  active(): Backend {
    return this.activeName ?? 'cpu';
  }

  info(): BackendInfo {
    const failed = [...this.failed.keys()];
    return {
      name: this.active(),
      adapter: this.adapter,
      available: this.probed.filter((b) => !this.failed.has(b)),
      ...(failed.length > 0 ? { failed } : {}),
      ...(this.software.size > 0 ? { software: [...this.software.keys()] } : {}),
      ...(this.message ? { message: this.message } : {}),
      ...((this.options.threads?.(this.active()) ?? 1) > 1 ? { threads: this.options.threads!(this.active()) } : {}),
    };
  }

  /** What this browser offers, cheaply (no backend is started). */
  async probe(): Promise<Backend[]> {
    const found: Backend[] = [];
    try {
      const adapter = await gpu()?.requestAdapter();
      if (adapter) {
        found.push('webgpu');
        if (isSoftwareAdapter(adapter)) this.software.set('webgpu', describeAdapter(adapter));
      }
    } catch {
      // no WebGPU
    }
    try {
      const gl = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1).getContext('webgl2') : null;
      if (gl) {
        found.push('webgl');
        const renderer = webglRenderer(gl);
        if (SOFTWARE_RENDERER.test(renderer)) this.software.set('webgl', `${renderer} (software)`);
        // The probe's context is not needed again; tfjs makes its own.
        gl.getExtension('WEBGL_lose_context')?.loseContext();
      }
    } catch {
      // no WebGL
    }
    if (typeof WebAssembly === 'object') found.push('wasm');
    found.push('cpu');
    this.probed = found;
    return found;
  }

  /** The next backend after `failed` in preference order that probed fine and has not failed. */
  next(failed: Backend): Backend | null {
    const from = BACKEND_ORDER.indexOf(failed);
    return BACKEND_ORDER.slice(from + 1).find((b) => this.probed.includes(b) && !this.failed.has(b)) ?? null;
  }

  /** Marks a backend as failed (it drops out of `available` and of `next`). */
  markFailed(backend: Backend, reason: string, fault: BackendFault = 'lost'): void {
    this.failed.set(backend, reason);
    // The automatic move that follows is not the user's choice: the picker keeps saying why.
    if (backend === this.activeName) this.lost = `${backend} ${fault === 'lost' ? 'was lost' : 'failed'} (${reason})`;
  }

  /**
   * Starts `wanted`, falling through the order on failure. A backend the user asks for explicitly
   * is tried even if it failed before. Without `wanted` (an automatic choice) the first backend in
   * preference order that is not a software GPU starts.
   */
  async switchTo(wanted?: Backend): Promise<BackendInfo> {
    if (this.probed.length === 0) await this.probe();
    const start = wanted ? BACKEND_ORDER.indexOf(wanted) : 0;
    const reasons: string[] = [];
    if (!wanted && this.software.size > 0) {
      reasons.push(`${[...this.software].map(([b, what]) => `${b} is ${what}`).join('; ')}: a CPU emulating a GPU, slower than WASM; pick it to use it anyway`);
    }
    for (const name of BACKEND_ORDER.slice(start)) {
      if (!wanted && this.software.has(name)) continue;
      if (name !== wanted && this.failed.has(name)) continue;
      const reason = await this.tryStart(name);
      if (reason === null) {
        this.failed.delete(name);
        if (this.lost?.startsWith(`${name} `)) this.lost = undefined;
        const why = [...(this.lost ? [this.lost] : []), ...reasons];
        this.message = why.length > 0 ? why.join('; ') : undefined;
        return this.info();
      }
      this.failed.set(name, reason);
      reasons.push(`${name}: ${reason}`);
    }
    throw new Error(`no tfjs backend could start (${reasons.join('; ')})`);
  }

  /** Starts one backend; returns null on success, else why it did not start. */
  private async tryStart(name: Backend): Promise<string | null> {
    try {
      let adapter = '';
      if (name === 'webgpu') {
        const g = gpu();
        if (!g) return 'navigator.gpu is missing (WebGPU is not available in this browser)';
        const found = await g.requestAdapter();
        if (!found) return 'no WebGPU adapter';
        adapter = describeAdapter(found);
        webgpuLoaded ??= import('@tensorflow/tfjs-backend-webgpu').then(applyWebGpuSettings);
        await webgpuLoaded;
      } else if (name === 'wasm') {
        await loadWasm();
      }
      if (this.activeName === name && tf.getBackend() === name) return null;
      const ok = await tf.setBackend(name);
      if (!ok || tf.getBackend() !== name) return 'the backend did not initialise';
      await tf.ready();
      this.activeName = name;
      if (name === 'webgl') adapter = webglRenderer();
      this.adapter = adapter;
      this.watch(name);
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }

  /**
   * Test hooks only: a genuine uncaptured validation error on the active WebGPU device (a buffer
   * created without usage flags), reported as an invalid kernel's would be.
   */
  provokeGpuError(): void {
    const device = this.activeName === 'webgpu' ? (tf.backend() as unknown as { device?: GpuDeviceLike }).device : undefined;
    if (!device?.createBuffer) throw new Error('a WebGPU error can only be provoked while WebGPU is active');
    device.createBuffer({ size: 4, usage: 0 });
  }

  /** Reports device loss under the active backend (once per device). */
  private watch(name: Backend): void {
    const backend = tf.backend() as unknown as { device?: GpuDeviceLike; gpgpu?: { gl?: WebGL2RenderingContext } };
    if (name === 'webgpu' && backend.device && !this.watched.has(backend.device)) {
      this.watched.add(backend.device);
      let reported = false;
      const report = (reason: string, fault: BackendFault) => {
        if (reported) return;
        reported = true;
        this.markFailed('webgpu', reason, fault);
        this.options.onLost('webgpu', reason, fault);
      };
      void backend.device.lost.then((info) => report(info.message || info.reason || 'device lost', 'lost'));
      // tfjs does not check its pipelines: an invalid one (a shader that does not compile, too many
      // buffers bound) only logs to the console and leaves its output unwritten, and training would
      // go on with garbage. The first such error ends the backend's runs instead.
      backend.device.addEventListener?.('uncapturederror', (event) => report(gpuErrorReason(event.error?.message), 'error'));
    }
    const canvas = backend.gpgpu?.gl?.canvas as OffscreenCanvas | undefined;
    if (name === 'webgl' && canvas && !this.watched.has(canvas)) {
      this.watched.add(canvas);
      canvas.addEventListener('webglcontextlost', () => {
        this.markFailed('webgl', 'WebGL context lost');
        this.options.onLost('webgl', 'WebGL context lost', 'lost');
      });
    }
  }
}
