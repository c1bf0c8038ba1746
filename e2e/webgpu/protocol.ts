/** Messages between the kernel-check page (`e2e/webgpu/main.ts`) and its worker (types only). */

export interface KernelCheckRequest {
  /** Check files to run, root-relative (`src/model/webgpu/x.webgpuCheck.ts`); all when absent. */
  files?: string[];
  /** Only the checks with these names; all of the files' checks when absent. */
  names?: string[];
}

export interface KernelCheckResult {
  file: string;
  name: string;
  maxRelError: number;
  tolerance: number;
  detail?: string;
  /** The check threw, or the device reported an error or was lost while it ran. */
  error?: string;
}

export type KernelCheckReply =
  | { ok: true; backend: string; adapter: string; results: KernelCheckResult[] }
  | { ok: false; error: string };

/** What `main.ts` puts on the page's window. */
export interface KernelCheckWindow {
  runKernelChecks(request: KernelCheckRequest): Promise<KernelCheckReply>;
}
