import { formatDuration } from '../configEdit.ts';
import type { RunState } from '../store/runsSlice.ts';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Epoch, batch, tokens per second and ETA of a run, from its latest step report. */
export function ProgressBar({ run }: { run: RunState }) {
  const last = run.steps[run.steps.length - 1];
  const lastEpoch = run.epochs[run.epochs.length - 1];
  const epochs = run.info.config.train.epochs;
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
        <span data-testid="progress-speed">{last ? `${integer.format(last.tokensPerSecond)} tokens/s${(last.threads ?? 1) > 1 ? ` · ${last.threads} threads` : ''}` : ''}</span>
        <span data-testid="progress-eta">{active && last ? `ETA ${formatDuration(last.etaSeconds)}` : finished ? 'done' : ''}</span>
      </div>
    </div>
  );
}
