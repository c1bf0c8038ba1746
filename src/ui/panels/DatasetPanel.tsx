import { useState } from 'react';
import type { ColumnGuess, ColumnOverride, DatasetSummary } from '../../protocol.ts';
import { useWorkbench } from '../store.ts';

const numberFormat = new Intl.NumberFormat('en-US');

/** The loaded dataset: counts, the detected columns (editable) and each task's tag inventory. */
export function DatasetPanel() {
  const dataset = useWorkbench((s) => s.dataset);
  if (!dataset) return <section className="panel">No dataset loaded yet.</section>;
  return (
    <section className="panel" data-testid="dataset-panel" aria-label="Dataset">
      <h2>
        <span data-testid="dataset-name">{dataset.name}</span>
        {dataset.builtIn && <span className="badge">built-in sample</span>}
      </h2>
      <dl className="counts">
        <dt>format</dt>
        <dd data-testid="dataset-format">{dataset.format === 'conllu' ? 'CoNLL-U' : 'CoNLL columns'}</dd>
        <dt>sentences</dt>
        <dd data-testid="dataset-sentences">{numberFormat.format(dataset.sentences)}</dd>
        <dt>tokens</dt>
        <dd data-testid="dataset-tokens">{numberFormat.format(dataset.tokens)}</dd>
        {dataset.docStarts > 0 && (
          <>
            <dt>-DOCSTART- lines skipped</dt>
            <dd data-testid="dataset-docstarts">{numberFormat.format(dataset.docStarts)}</dd>
          </>
        )}
        <dt>tasks</dt>
        <dd data-testid="dataset-task-names">{dataset.tasks.map((t) => t.name).join(' · ')}</dd>
      </dl>
      {/* Keyed by dataset so a new file resets the draft choices. */}
      <ColumnEditor key={`${dataset.name}:${dataset.sentences}`} dataset={dataset} />
      <TaskInventories dataset={dataset} />
    </section>
  );
}

function ColumnEditor({ dataset }: { dataset: DatasetSummary }) {
  const applyOverrides = useWorkbench((s) => s.applyOverrides);
  const initial = (c: ColumnGuess): Required<ColumnOverride> => ({ column: c.index, role: c.role, name: c.name });
  const [draft, setDraft] = useState<Required<ColumnOverride>[]>(() => dataset.columns.map(initial));
  const changed = draft.some((d, i) => {
    const c = dataset.columns[i];
    return c !== undefined && (d.role !== c.role || d.name !== c.name);
  });
  const update = (index: number, patch: Partial<ColumnOverride>) =>
    setDraft((rows) => rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));

  return (
    <details className="columns" open>
      <summary>Detected columns</summary>
      <table data-testid="columns-table">
        <thead>
          <tr>
            <th>column</th>
            <th>role</th>
            <th>name</th>
            <th>scheme</th>
            <th>distinct values</th>
          </tr>
        </thead>
        <tbody>
          {dataset.columns.map((column, i) => {
            const row = draft[i] ?? initial(column);
            return (
              <tr key={column.index} data-testid="column-row" data-role={column.role} data-name={column.name}>
                <td>{column.index + 1}</td>
                <td>
                  <select
                    aria-label={`Role of column ${column.index + 1}`}
                    value={row.role}
                    onChange={(e) => update(i, { role: e.target.value as ColumnGuess['role'] })}
                  >
                    <option value="word">word</option>
                    <option value="tag">task</option>
                    <option value="other">ignore</option>
                  </select>
                </td>
                <td>
                  <input
                    aria-label={`Name of column ${column.index + 1}`}
                    value={row.name ?? ''}
                    disabled={row.role !== 'tag'}
                    onChange={(e) => update(i, { name: e.target.value })}
                  />
                </td>
                <td>{column.role === 'tag' ? column.scheme : '—'}</td>
                <td>{column.role === 'tag' ? numberFormat.format(column.tags.length) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {changed && (
        <div className="actions">
          <button type="button" onClick={() => void applyOverrides(draft)}>
            Apply column choices
          </button>
          <button type="button" className="secondary" onClick={() => setDraft(dataset.columns.map(initial))}>
            Reset
          </button>
        </div>
      )}
    </details>
  );
}

function TaskInventories({ dataset }: { dataset: DatasetSummary }) {
  return (
    <div className="tasks">
      {dataset.tasks.map((task) => (
        <article key={task.column} className="task" data-testid="task-card" data-task={task.name}>
          <h3>
            {task.name} <span className="muted">column {task.column + 1}</span>
          </h3>
          <p>
            <span data-testid="task-scheme">{task.scheme}</span> ·{' '}
            <span data-testid="task-tag-count">{task.tags.length}</span> tags
          </p>
          <ul className="tag-cloud">
            {task.tags.slice(0, 60).map((tag, i) => (
              <li key={tag} title={`${numberFormat.format(task.counts[i] ?? 0)} tokens`}>
                {tag} <span className="muted">{numberFormat.format(task.counts[i] ?? 0)}</span>
              </li>
            ))}
            {task.tags.length > 60 && <li className="muted">+{task.tags.length - 60} more</li>}
          </ul>
        </article>
      ))}
    </div>
  );
}
