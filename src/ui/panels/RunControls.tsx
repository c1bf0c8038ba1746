import { datasetLabel } from '../../core/runNames.ts';
import { describeConfig } from '../configEdit.ts';
import { useWorkbench } from '../store.ts';
import { ProgressBar } from './ProgressBar.tsx';
import { ELSEWHERE_TITLE } from './elsewhere.ts';

/**
 * Start a run with the settings of the side panel; pause, resume, step and stop the selected run,
 * whose progress shows here too (its card may be scrolled away among the others).
 */
export function RunControls() {
  const draft = useWorkbench((s) => s.draft);
  const dataset = useWorkbench((s) => s.dataset);
  const backend = useWorkbench((s) => s.backend);
  const startRun = useWorkbench((s) => s.startRun);
  const pauseRun = useWorkbench((s) => s.pauseRun);
  const resumeRun = useWorkbench((s) => s.resumeRun);
  const stepRun = useWorkbench((s) => s.stepRun);
  const stopRun = useWorkbench((s) => s.stopRun);
  const runId = useWorkbench((s) => s.selectedRunId ?? undefined);
  const status = useWorkbench((s) => (s.selectedRunId ? s.runs[s.selectedRunId]?.status : undefined));
  const run = useWorkbench((s) => (s.selectedRunId ? s.runs[s.selectedRunId] : undefined));
  const label = run?.info.label;
  // A run another tab trains is acted on there: every control here says so.
  const elsewhere = run?.elsewhere === true;
  const canResume = !elsewhere && (status === 'paused' || status === 'failed' || status === 'interrupted');
  const canStop = !elsewhere && (status === 'running' || status === 'paused' || status === 'failed' || status === 'interrupted');
  const why = elsewhere ? ELSEWHERE_TITLE : undefined;

  return (
    <div className="run-controls" data-testid="run-controls">
      <button
        type="button"
        data-testid="run-start"
        disabled={!dataset || !backend}
        title={!dataset ? 'Load a dataset first' : undefined}
        onClick={() => void startRun()}
      >
        Start {describeConfig(draft)} on {dataset?.name ?? '…'}
      </button>
      {status && runId && (
        <div className="selected-run">
          <span className="muted">
            Selected: <strong data-testid="selected-run">{label}</strong> ({runId}, {elsewhere ? `${status} in another tab` : status}) on{' '}
            <span data-testid="selected-run-dataset">{run ? datasetLabel(run.info) : ''}</span>
          </span>
          {run && (
            <div data-testid="selected-progress">
              <ProgressBar run={run} />
            </div>
          )}
          <div className="actions">
            <button type="button" className="secondary" data-testid="run-pause" disabled={elsewhere || status !== 'running'} title={why} onClick={() => void pauseRun(runId)}>
              Pause
            </button>
            <button
              type="button"
              className="secondary"
              data-testid="run-resume"
              disabled={!canResume}
              title={why ?? (status === 'failed' ? 'Continue from the last epoch checkpoint on the next backend' : undefined)}
              onClick={() => void resumeRun(runId)}
            >
              Resume
            </button>
            <button type="button" className="secondary" data-testid="run-step" disabled={elsewhere || status !== 'paused'} title={why} onClick={() => void stepRun(runId)}>
              Step one batch
            </button>
            <button type="button" className="secondary" data-testid="run-stop" disabled={!canStop} title={why} onClick={() => void stopRun(runId)}>
              Stop
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
