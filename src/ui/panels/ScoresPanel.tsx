import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { messageOf } from '../../core/errors.ts';
import type { TaskBreakdown } from '../../core/events.ts';
import { useWorkbench } from '../store.ts';
import { RunSelect } from './RunSelect.tsx';
import {
  breakdownSources,
  describeSelection,
  errorsFor,
  foldNote,
  matrixRows,
  matrixUnit,
  percent,
  type BreakdownSource,
  type ErrorSelection,
} from './scoresView.ts';
import './scores.css';

/**
 * Per-type precision/recall/F1 and a confusion matrix per task, for a run's latest dev epoch and
 * its test file, read from the store. A type or an off-diagonal cell of a dev evaluation lists the
 * dev sentences with that error; a sentence opens in the attention inspector.
 */
export function ScoresPanel() {
  const runs = useWorkbench(useShallow((s) => s.order.flatMap((id) => (s.runs[id] ? [s.runs[id].info] : []))));
  const selectedRunId = useWorkbench((s) => s.selectedRunId);
  const [chosen, setChosen] = useState<string | null>(null);
  const runId = [chosen, selectedRunId].find((id) => id && runs.some((r) => r.runId === id)) ?? runs.at(-1)?.runId ?? null;
  // Only the breakdowns, which change once an epoch: step events (several a second) leave the panel
  // alone. Deferred: the tables (a confusion matrix of up to 13×13 cells per task) render in an
  // interruptible background pass, not inside the store update that folds the epoch (~10 ms of
  // main-thread work in one task, issue 15's budget while a run trains).
  const devBreakdown = useDeferredValue(useWorkbench((s) => (runId ? s.runs[runId]?.devBreakdown : undefined)));
  const test = useDeferredValue(useWorkbench((s) => (runId ? s.runs[runId]?.test : undefined)));
  const sources = useMemo(() => breakdownSources({ devBreakdown, test }), [devBreakdown, test]);
  const [sourceKey, setSourceKey] = useState<BreakdownSource['key']>('dev');
  const source = sources.find((s) => s.key === sourceKey) ?? sources[0];
  const [taskName, setTaskName] = useState<string | null>(null);
  const task = source?.tasks.find((t) => t.task === taskName) ?? source?.tasks[0];
  const [selection, setSelection] = useState<ErrorSelection | null>(null);

  const choose = (change: () => void) => {
    change();
    setSelection(null);
  };

  return (
    <section className="panel scores" data-testid="scores-panel" aria-label="Scores by type">
      <h2>Scores by type</h2>
      <div className="row">
        <RunSelect label="Run" ariaLabel="Run whose scores to show" testId="scores-run" runs={runs} value={runId} onChange={(id) => choose(() => setChosen(id))} />
        {sources.length > 1 && (
          <span className="scores-sources" role="group" aria-label="Evaluation">
            {sources.map((s) => (
              <button key={s.key} type="button" className={s === source ? 'tab active' : 'tab'} aria-pressed={s === source} data-testid={`scores-source-${s.key}`} onClick={() => choose(() => setSourceKey(s.key))}>
                {s.label}
              </button>
            ))}
          </span>
        )}
      </div>
      {!source || !task ? (
        <p className="muted" data-testid="scores-empty">
          {runs.length === 0 ? 'Start a run: its scores by type appear after its first epoch.' : 'No scores by type yet: they appear after the run’s first epoch.'}
        </p>
      ) : (
        <>
          {sources.length === 1 && <p className="muted scores-source">{source.label}</p>}
          <div className="scores-tasks" role="tablist" aria-label="Task">
            {source.tasks.map((t) => (
              <button key={t.task} type="button" role="tab" aria-selected={t === task} className={t === task ? 'tab active' : 'tab'} data-testid="scores-task" data-task={t.task} onClick={() => choose(() => setTaskName(t.task))}>
                {t.task}
              </button>
            ))}
          </div>
          <div className="scores-body">
            <TypeTable task={task} selection={selection} onSelect={setSelection} />
            <ConfusionTable task={task} selection={selection} onSelect={setSelection} />
          </div>
          {selection && runId && source.key === 'dev' && <ErrorList runId={runId} task={task} selection={selection} />}
          {source.key === 'test' && <p className="muted">Errors on the test file are counted, not listed: the inspector opens dev sentences.</p>}
        </>
      )}
    </section>
  );
}

interface SelectProps {
  task: TaskBreakdown;
  selection: ErrorSelection | null;
  onSelect(selection: ErrorSelection): void;
}

/** Precision, recall, F1 and support per chunk type (conlleval's per-type lines) or per tag. */
function TypeTable({ task, selection, onSelect }: SelectProps) {
  const unit = task.metric === 'f1' ? 'chunks' : 'tokens';
  return (
    <table className="type-scores" data-testid="type-scores" data-task={task.task}>
      <caption>{task.metric === 'f1' ? 'Per chunk type (conlleval)' : 'Per tag (token precision / recall)'}</caption>
      <thead>
        <tr>
          <th scope="col">{task.metric === 'f1' ? 'Type' : 'Tag'}</th>
          <th scope="col">Precision</th>
          <th scope="col">Recall</th>
          <th scope="col">F1</th>
          <th scope="col" title={`Gold ${unit}`}>Support</th>
          <th scope="col" title={`Predicted ${unit}`}>Predicted</th>
        </tr>
      </thead>
      <tbody>
        {task.types.map((t) => {
          const errors = errorsFor(task, { kind: 'type', type: t.type });
          const selected = selection?.kind === 'type' && selection.type === t.type;
          return (
            <tr key={t.type} data-testid="type-score" data-type={t.type} data-f1={t.f1.toFixed(4)} className={selected ? 'selected' : undefined}>
              <th scope="row">
                {errors ? (
                  <button type="button" className="link" data-testid="type-errors" title={`${errors.count} dev sentences with this error`} onClick={() => onSelect({ kind: 'type', type: t.type })}>
                    {t.type || '(none)'}
                  </button>
                ) : (
                  t.type || '(none)'
                )}
              </th>
              <td>{percent(t.precision)}</td>
              <td>{percent(t.recall)}</td>
              <td>{percent(t.f1)}</td>
              <td>{t.support}</td>
              <td>{t.predicted}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Gold rows × predicted columns, each cell shaded by its share of the row; off-diagonal cells open their sentences. */
function ConfusionTable({ task, selection, onSelect }: SelectProps) {
  const rows = useMemo(() => matrixRows(task.confusion), [task.confusion]);
  const note = foldNote(task.confusion);
  return (
    <div className="confusion">
      <table className="confusion-matrix" data-testid="confusion-matrix" data-task={task.task} data-labels={task.confusion.labels.length}>
        <caption>
          Confusion, {matrixUnit(task)}: rows gold, columns predicted
        </caption>
        <thead>
          <tr>
            <th scope="col">gold \ pred</th>
            {task.confusion.labels.map((label) => (
              <th key={label} scope="col">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.gold}>
              <th scope="row" title={`${row.total} gold tokens`}>
                {row.gold}
              </th>
              {row.cells.map((cell) => {
                const errors = cell.diagonal || cell.count === 0 ? null : errorsFor(task, { kind: 'cell', gold: cell.gold, pred: cell.pred });
                const selected = selection?.kind === 'cell' && selection.gold === cell.gold && selection.pred === cell.pred;
                const shade = `rgba(${cell.diagonal ? '30, 107, 52' : '200, 50, 40'}, ${(0.08 + 0.6 * cell.share).toFixed(3)})`;
                return (
                  <td
                    key={cell.pred}
                    data-testid="confusion-cell"
                    data-gold={cell.gold}
                    data-pred={cell.pred}
                    data-count={cell.count}
                    className={[cell.diagonal ? 'diagonal' : '', selected ? 'selected' : ''].join(' ').trim() || undefined}
                    style={cell.count > 0 ? { background: shade } : undefined}
                    title={`gold ${cell.gold}, predicted ${cell.pred}: ${cell.count} tokens (${(100 * cell.share).toFixed(1)}% of the row)`}
                  >
                    {errors ? (
                      <button type="button" className="link" onClick={() => onSelect({ kind: 'cell', gold: cell.gold, pred: cell.pred })}>
                        {cell.count}
                      </button>
                    ) : cell.count > 0 ? (
                      cell.count
                    ) : (
                      ''
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {note && (
        <p className="muted" data-testid="confusion-folded">
          {note}
        </p>
      )}
    </div>
  );
}

type Loaded = { key: string; texts: Map<number, string>; error?: undefined } | { key: string; texts?: undefined; error: string };

/** The dev sentences behind a selection (the first few the evaluation kept); one click opens a sentence in the inspector. */
function ErrorList({ runId, task, selection }: { runId: string; task: TaskBreakdown; selection: ErrorSelection }) {
  const devSentences = useWorkbench((s) => s.devSentences);
  const openInInspector = useWorkbench((s) => s.openInInspector);
  const errors = errorsFor(task, selection);
  const indices = useMemo(() => errors?.sentences ?? [], [errors]);
  const limit = indices.length > 0 ? Math.max(...indices) + 1 : 0;
  const key = `${runId}|${limit}`;
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  useEffect(() => {
    if (limit === 0) return;
    let live = true;
    devSentences(limit, runId).then(
      (list) => live && setLoaded({ key, texts: new Map(list.map((s) => [s.index, s.text])) }),
      (error: unknown) => live && setLoaded({ key, error: messageOf(error) }),
    );
    return () => {
      live = false;
    };
  }, [devSentences, runId, limit, key]);
  const current = loaded?.key === key ? loaded : null;
  return (
    <div className="error-sentences" data-testid="error-sentences">
      <h3>
        {describeSelection(task, selection)}
        {errors && (
          <span className="muted">
            {' '}
            — {errors.count} dev sentence{errors.count === 1 ? '' : 's'}
            {errors.count > indices.length ? `, the first ${indices.length} listed` : ''}
          </span>
        )}
      </h3>
      {current?.error !== undefined && (
        <p className="chart-error" role="alert">
          Could not list the dev sentences: {current.error}
        </p>
      )}
      <ol>
        {indices.map((index) => {
          const text = current?.texts?.get(index);
          return (
            <li key={index} value={index + 1}>
              <button type="button" className="link" data-testid="error-sentence" data-index={index} onClick={() => openInInspector(runId, index)} title="Open in the attention inspector">
                {text === undefined ? `sentence ${index + 1}` : text.length > 140 ? `${text.slice(0, 137)}…` : text}
              </button>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
