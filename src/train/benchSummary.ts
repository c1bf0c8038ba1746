/**
 * The human-readable lines `mtaa bench` and `npm run bench:browser` print for one result (the JSON
 * carries everything; this is what a person reads first). A software adapter's speeds are printed
 * as what they are: CPU emulation, not GPU speed.
 */
import type { BenchResult } from './benchmark.ts';
import type { WorkSummary } from './workMeter.ts';

const TOP_PRINTED = 6;

const slices = (n: number) => (n === 1 ? 'one pass' : `${n} slices`);

function work(summary: WorkSummary): string {
  if (summary.dispatches === undefined) return `${summary.kernels} kernels`;
  return (
    `${summary.dispatches} dispatches, ${summary.submits} submits, ${summary.bindGroups} bind groups, ` +
    `${summary.writeBuffers} buffer writes (${((summary.writeBufferBytes ?? 0) / 1024).toFixed(0)} KiB), ${summary.kernels} kernels`
  );
}

/** Peak memory of the measured call: live tensors, and on WebGPU the GPU buffers tfjs holds. */
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

function memory(summary: WorkSummary): string {
  const gpu = summary.peakGpuBytes === undefined ? '' : `, ${mb(summary.peakGpuBytes)} of GPU buffers in use (${mb(summary.gpuBytesAllocated ?? 0)} allocated)`;
  return `peak ${mb(summary.peakBytes)} of tensors${gpu}`;
}

function top(summary: WorkSummary): string {
  const what = summary.dispatches === undefined ? 'kernels' : 'dispatches';
  return `top ${what}: ${summary.topKernels.slice(0, TOP_PRINTED).map(([name, n]) => `${name} ${n}`).join(', ')}`;
}

export function benchSummary(result: BenchResult): string {
  const lines: string[] = [];
  const { adapter } = result;
  const where = adapter
    ? `${result.backend} on ${[adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(' · ') || 'an unnamed adapter'}${adapter.software ? ' (SOFTWARE adapter: a CPU emulating a GPU; these speeds are not GPU speed)' : ' (hardware)'}`
    : result.backend;
  lines.push(`${result.preset} on ${where}, batch ${result.batchSize}, ${result.threads} thread(s)${result.threadFailure ? ` (${result.threadFailure})` : ''}`);
  const speed = (label: string, t: NonNullable<BenchResult['train']>) =>
    `  ${label}: ${t.sentencesPerSecond.toFixed(1)} sentences/s, ${t.tokensPerSecond.toFixed(0)} real tokens/s (${t.batches} timed batches)`;
  if (result.train && result.decode) lines.push(speed('train', result.train), speed('decode', result.decode));
  else lines.push(`  no speeds (counts only: BENCH_TIMING=off); warm-up: ${result.warmupSteps} step(s) of ${result.warmupSize} sentence(s)`);
  if (result.step && result.decodeBatch) {
    const cpu = result.cpuMsPerStep === undefined ? '' : `; CPU ${result.cpuMsPerStep.toFixed(1)} ms issuing per step`;
    lines.push(`  step (padded length ${result.step.paddedLength}, ${slices(result.step.stepSlices)}): ${work(result.step)}${cpu}; ${memory(result.step)}`);
    lines.push(`    ${top(result.step)}`);
    lines.push(`  decode batch (padded length ${result.decodeBatch.paddedLength}): ${work(result.decodeBatch)}`);
    lines.push(`    ${top(result.decodeBatch)}`);
  }
  for (const at of result.byLength) {
    const each = at.eachStep ? ` (each counted step: ${at.eachStep.join(', ')})` : '';
    const predicted = at.predictedStepGpuBytes === undefined ? '' : `, budget predicts ${mb(at.predictedStepGpuBytes)} added to the ${mb(at.gpuBytesBeforeStep ?? 0)} in use before it`;
    lines.push(`  at padded length ${at.paddedLength} (${at.slots} slots): step (${slices(at.stepSlices)}) ${work(at.step)}${each}, ${memory(at.step)}${predicted}; decode batch ${work(at.decodeBatch)}`);
    lines.push(`    step ${top(at.step)}; decode ${top(at.decodeBatch)}`);
  }
  lines.push(`  peak ${(result.peakBytes / 1e6).toFixed(0)} MB of tensors, tensor delta ${result.tensorDelta}`);
  return `${lines.join('\n')}\n`;
}
