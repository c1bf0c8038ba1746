import { useMemo } from 'react';
import { formatDuration } from '../configEdit.ts';
import { progressRates } from '../progressRates.ts';
import type { RunState } from '../store/runsSlice.ts';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * Epoch and batch of a run from its latest step report; tokens per second, threads and ETA
 * smoothed over its batches (progressRates.ts), so they do not jump from one report to the next.
 */
export function ProgressBar({ run }: { run: RunState }) {
  const epochs = run.info.config.train.epochs;
  const rates = useMemo(() => progressRates(run.steps, epochs), [run.steps, epochs]);
  const last = run.steps[run.steps.length - 1];
  const lastEpoch = run.epochs[run.epochs.length - 1];
  const finished = run.status === 'completed';
  let fraction = 0;
  if (finished) fraction = 1;
  else if (last) fraction = ((last.epoch - 1) * last.batches + last.batch) / (epochs * last.batches);
  else if (lastEpoch) fraction = lastEpoch.epoch / epochs;
  const percent = Math.max(0, Math.min(100, fraction * 100));
  const active = run.status === 'running' || run.status === 'paused';
  return (
    <div className="progress" data-testid="run-progress" data-percent={percent.toFixed(1)}>
      <div className="progress-track" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(percent)}>
        <div className={`progress-fill status-${run.status}`} style={{ transform: `scaleX(${(percent / 100).toFixed(4)})` }} />
      </div>
      <div className="progress-figures">
        <span data-testid="progress-epoch">
          epoch {last?.epoch ?? lastEpoch?.epoch ?? 0}/{epochs}
        </span>
        <span data-testid="progress-batch">{last ? `batch ${last.batch}/${last.batches}` : active ? 'starting…' : ''}</span>
        <span data-testid="progress-speed" title="Smoothed over the latest batches">
          {last && rates.tokensPerSecond !== null ? `${integer.format(rates.tokensPerSecond)} tokens/s${rates.threads > 1 ? ` · ${rates.threads} threads` : ''}` : ''}
        </span>
        <span data-testid="progress-eta" title="At the smoothed rate, with whatever else shares the worker">
          {active && last && rates.etaSeconds !== null ? `ETA ${formatDuration(rates.etaSeconds)}` : finished ? 'done' : ''}
        </span>
      </div>
    </div>
  );
}
