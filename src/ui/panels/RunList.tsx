import { memo } from 'react';
import { datasetLabel } from '../../core/runNames.ts';
import type { EpochEvent, TestScoresEvent } from '../../protocol.ts';
import { describeLiveChange } from '../liveChange.ts';
import type { RunState } from '../store/runsSlice.ts';
import { useWorkbench } from '../store.ts';
import { ProgressBar } from './ProgressBar.tsx';
import { RunName } from './RunName.tsx';
import { ELSEWHERE_TITLE } from './elsewhere.ts';
import { RunStorageControls } from './RunStorageControls.tsx';

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

/**
 * One run's card. Memoised on its run id: a new run (Start) re-renders the list, and without memo
 * every card with its epochs would re-render in that one synchronous store update (issue 15's
 * ten-run long task); a card reads its own run from the store, so it still follows its reports.
 */
const RunCard = memo(function RunCard({ runId }: { runId: string }) {
  const run = useWorkbench((s) => s.runs[runId]);
  const selected = useWorkbench((s) => s.selectedRunId === runId);
  const parentLabel = useWorkbench((s) => {
    const parent = run?.info.siblingOf;
    return parent ? (s.runs[parent]?.info.label ?? parent) : null;
  });
  const sourceLabel = useWorkbench((s) => {
    const source = run?.info.continuedFrom;
    return source ? (s.runs[source]?.info.label ?? source) : null;
  });
  const setRunVisible = useWorkbench((s) => s.setRunVisible);
  if (!run) return null;
  const { info, status } = run;
  return (
    <article
      className={`run-card${selected ? ' selected' : ''}${info.siblingOf ? ' sibling' : ''}`}
      data-testid="run-card"
      data-run-id={runId}
      data-status={status}
      data-elsewhere={run.elsewhere ? 'true' : undefined}
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
        <RunName run={run} />
        <span className={`status status-${status}`} data-testid="run-status">
          {status}
        </span>
        {run.elsewhere && (
          <span className="status status-elsewhere" data-testid="run-elsewhere" title={ELSEWHERE_TITLE}>
            training in another tab
          </span>
        )}
        <span className="muted" data-testid="run-backend">
          {info.backend}
        </span>
        <span className="muted">{runId}</span>
        {run.restored && <span className="muted" data-testid="run-restored" title="Kept in this browser's storage from an earlier visit">saved</span>}
        {parentLabel && <span className="muted">sibling of {parentLabel}</span>}
        {sourceLabel && <span className="muted" data-testid="run-continued-from">continued from {sourceLabel}</span>}
      </header>
      <p className="muted run-dataset" data-testid="run-dataset" data-name={info.datasetName} title={info.datasetHash ? `SHA-256 ${info.datasetHash}` : undefined}>
        on {datasetLabel(info)}
      </p>
      {run.message && (
        <p className={status === 'failed' ? 'run-message error' : 'run-message muted'} data-testid="run-message" role={status === 'failed' ? 'alert' : undefined}>
          {run.message}
        </p>
      )}
      {info.vectors && (
        <p className="muted" data-testid="run-vectors" data-file={info.vectors.fileName} data-dim={info.vectors.dim}>
          word table from {info.vectors.fileName} ({info.vectors.dim}-d; vectors for {info.vectors.coverage.percent.toFixed(1)}% of its{' '}
          {info.vectors.coverage.words.toLocaleString('en-US')} training words)
        </p>
      )}
      <ProgressBar run={run} />
      <Markers run={run} />
      <EpochResults epochs={run.epochs} />
      {run.test && <TestScores test={run.test} />}
      {info.importedFrom && <ContinueTraining run={run} />}
      <ExportButtons run={run} />
      <RunStorageControls run={run} />
    </article>
  );
});

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
          epoch {e.epoch}: <EpochScores epoch={e} /> — mean{' '}
          {score.format(e.devScore)}
          {e.best ? ' ★' : ''}
        </li>
      ))}
    </ol>
  );
}

/**
 * Every task of the run (the dev loss names them all) with its score, or "no dev labels" for a
 * task whose labels no dev sentence carries (partial labels): not scored, rather than scored 0.
 */
function EpochScores({ epoch }: { epoch: EpochEvent }) {
  // In task order (the loss lists every task); a score of a task the loss lacks (older events) last.
  const names = [...new Set([...Object.keys(epoch.dev.loss.tasks), ...epoch.dev.scores.map((s) => s.task)])];
  return (
    <>
      {names.map((task, i) => {
        const s = epoch.dev.scores.find((x) => x.task === task);
        return (
          <span key={task} data-testid="epoch-score" data-task={task} data-value={s ? s.value.toFixed(4) : 'none'}>
            {i > 0 ? ' · ' : ''}
            {s ? `${task} ${s.metric === 'f1' ? 'F1' : 'acc'} ${score.format(s.value)}` : <span className="muted">{task} no dev labels</span>}
          </span>
        );
      })}
    </>
  );
}

/** The best epoch's scores on the test file (tasks the file does not label are not listed). */
function TestScores({ test }: { test: TestScoresEvent }) {
  return (
    <p className={test.message ? 'run-message error' : 'test-scores'} data-testid="run-test-scores" data-epoch={test.epoch} data-file={test.fileName}>
      test ({test.fileName}, epoch {test.epoch}):{' '}
      {test.message ??
        test.scores.map((s, i) => (
          <span key={s.task} data-testid="test-score" data-task={s.task} data-value={s.value.toFixed(4)}>
            {i > 0 ? ' · ' : ''}
            {`${s.task} ${s.metric === 'f1' ? 'F1' : 'acc'} ${score.format(s.value)}`}
          </span>
        ))}
    </p>
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

/**
 * An imported model trains on as a new run (the import itself stays as it was): from its weights
 * and vocabularies, with its own model settings (they fix the weights' shapes) and the training
 * settings of the config panel, which the researcher set for this purpose or can set first.
 */
function ContinueTraining({ run }: { run: RunState }) {
  const dataset = useWorkbench((s) => s.dataset);
  const train = useWorkbench((s) => s.draft.train);
  const backend = useWorkbench((s) => s.backend);
  const continueRun = useWorkbench((s) => s.continueRun);
  const { runId } = run.info;
  return (
    <div className="actions continue" data-testid="run-continue">
      <button
        type="button"
        className="secondary"
        data-testid="continue-training"
        disabled={!dataset || !backend || run.elsewhere === true}
        title={run.elsewhere ? ELSEWHERE_TITLE : !dataset ? 'Load a dataset first' : undefined}
        onClick={() => void continueRun(runId)}
      >
        Continue training on {dataset?.name ?? '…'}
      </button>
      <span className="muted">
        A new run from these weights and vocabularies, with this model&apos;s architecture and the training settings of the config panel
        {` (${train.epochs} epochs, learning rate ${train.learningRate})`}; the dataset&apos;s tasks and tags must be the model&apos;s,
        and a task of the model the dataset lacks is trained on no labels. This imported run stays as it is.
      </span>
    </div>
  );
}
