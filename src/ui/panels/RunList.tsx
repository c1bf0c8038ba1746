import type { EpochEvent } from '../../protocol.ts';
import { describeLiveChange } from '../configEdit.ts';
import type { RunState } from '../runsSlice.ts';
import { useWorkbench } from '../store.ts';
import { ProgressBar } from './ProgressBar.tsx';

/** Every run of this session, siblings beside the run they came from. */
export function RunList() {
  const order = useWorkbench((s) => s.order);
  if (order.length === 0) return <p className="muted">No runs yet: choose settings and press Start.</p>;
  return (
    <div className="run-list" data-testid="run-list">
      {order.map((runId) => (
        <RunCard key={runId} runId={runId} />
      ))}
    </div>
  );
}

function RunCard({ runId }: { runId: string }) {
  const run = useWorkbench((s) => s.runs[runId]);
  const selected = useWorkbench((s) => s.selectedRunId === runId);
  const parentLabel = useWorkbench((s) => {
    const parent = run?.info.siblingOf;
    return parent ? (s.runs[parent]?.info.label ?? parent) : null;
  });
  const selectRun = useWorkbench((s) => s.selectRun);
  const setRunVisible = useWorkbench((s) => s.setRunVisible);
  if (!run) return null;
  const { info, status } = run;
  return (
    <article
      className={`run-card${selected ? ' selected' : ''}${info.siblingOf ? ' sibling' : ''}`}
      data-testid="run-card"
      data-run-id={runId}
      data-status={status}
      data-sibling-of={info.siblingOf ?? ''}
      aria-label={`Run ${info.label}`}
    >
      <header>
        <input
          type="checkbox"
          data-testid="run-visible"
          title="Show in the charts"
          aria-label={`Show ${info.label} in the charts`}
          checked={run.visible}
          onChange={(e) => setRunVisible(runId, e.target.checked)}
        />
        <button type="button" className="link run-label" data-testid="run-label" onClick={() => selectRun(runId)} title="Select this run">
          {info.label}
        </button>
        <span className={`status status-${status}`} data-testid="run-status">
          {status}
        </span>
        <span className="muted" data-testid="run-backend">
          {info.backend}
        </span>
        <span className="muted">{runId}</span>
        {parentLabel && <span className="muted">sibling of {parentLabel}</span>}
      </header>
      {run.message && (
        <p className={status === 'failed' ? 'run-message error' : 'run-message muted'} data-testid="run-message" role={status === 'failed' ? 'alert' : undefined}>
          {run.message}
        </p>
      )}
      <ProgressBar run={run} />
      <Markers run={run} />
      <EpochResults epochs={run.epochs} />
      <ExportButtons run={run} />
    </article>
  );
}

function Markers({ run }: { run: RunState }) {
  if (run.changes.length === 0) return null;
  return (
    <ul className="markers" data-testid="run-markers">
      {run.changes.map((change, i) => (
        <li key={i} data-testid="run-marker" data-step={change.step}>
          ◆ {describeLiveChange(change)} <span className="muted">from step {change.step + 1} (epoch {change.epoch})</span>
        </li>
      ))}
    </ul>
  );
}

const score = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** The dev scores of each finished epoch (the latest 20). */
function EpochResults({ epochs }: { epochs: EpochEvent[] }) {
  if (epochs.length === 0) return null;
  return (
    <ol className="epoch-results" data-testid="epoch-results">
      {epochs.slice(-20).map((e) => (
        <li key={`${e.epoch}:${e.step}`} data-testid="epoch-result" data-epoch={e.epoch} data-dev-score={e.devScore.toFixed(4)} data-best={e.best}>
          epoch {e.epoch}:{' '}
          {e.dev.scores.map((s) => `${s.task} ${s.metric === 'f1' ? 'F1' : 'acc'} ${score.format(s.value)}`).join(' · ')} — mean{' '}
          {score.format(e.devScore)}
          {e.best ? ' ★' : ''}
        </li>
      ))}
    </ol>
  );
}

function ExportButtons({ run }: { run: RunState }) {
  const exportModel = useWorkbench((s) => s.exportModel);
  const exportMetrics = useWorkbench((s) => s.exportMetrics);
  const runId = run.info.runId;
  return (
    <div className="actions export" data-testid="run-exports">
      <button type="button" className="secondary" data-testid="export-model" onClick={() => void exportModel(runId)} title="model.json, weights.bin and model.safetensors of the best epoch, in one zip">
        Model (.zip)
      </button>
      <button type="button" className="secondary" data-testid="export-csv" onClick={() => exportMetrics(runId, 'csv')}>
        Metrics CSV
      </button>
      <button type="button" className="secondary" data-testid="export-json" onClick={() => exportMetrics(runId, 'json')}>
        Metrics JSON
      </button>
    </div>
  );
}
