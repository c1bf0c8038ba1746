import { useState } from 'react';
import { renameProblem } from '../../core/runNames.ts';
import type { RunState } from '../store/runsSlice.ts';
import { useWorkbench } from '../store.ts';

/**
 * A run's name on its card: a click selects the run; "Rename" edits the name in place (Enter or
 * leaving the field saves, Escape cancels). A name that is empty or another run's is refused as it
 * is typed, so only a name the worker will take is sent.
 */
export function RunName({ run }: { run: RunState }) {
  const selectRun = useWorkbench((s) => s.selectRun);
  const renameRun = useWorkbench((s) => s.renameRun);
  const [editing, setEditing] = useState<string | null>(null);
  const { runId, label } = run.info;
  const problem = useWorkbench((s) =>
    editing === null ? null : renameProblem(editing, runId, s.order.flatMap((id) => (s.runs[id] ? [s.runs[id].info] : []))),
  );

  if (editing === null) {
    return (
      <>
        <button type="button" className="link run-label" data-testid="run-label" onClick={() => selectRun(runId)} title="Select this run">
          {label}
        </button>
        <button type="button" className="link rename" data-testid="run-rename" onClick={() => setEditing(label)} aria-label={`Rename ${label}`} title="Rename this run">
          ✎
        </button>
      </>
    );
  }
  const save = () => {
    if (problem === null && editing.trim() !== label) void renameRun(runId, editing);
    setEditing(null);
  };
  return (
    <span className="run-rename">
      <input
        data-testid="run-name-input"
        aria-label={`New name for ${label}`}
        aria-invalid={problem !== null}
        aria-describedby={problem ? `rename-problem-${runId}` : undefined}
        value={editing}
        autoFocus
        onChange={(e) => setEditing(e.target.value)}
        onBlur={save}
        onKeyDown={(e) => {
          if (e.key === 'Enter') save();
          else if (e.key === 'Escape') setEditing(null);
        }}
      />
      {problem && (
        <span className="run-message error" id={`rename-problem-${runId}`} data-testid="run-rename-problem" role="status">
          {problem}
        </span>
      )}
    </span>
  );
}
