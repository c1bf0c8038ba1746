import { useRef, useState } from 'react';
import { shortHash } from '../../core/runNames.ts';
import type { ColumnGuess, ColumnOverride, DatasetSummary } from '../../protocol.ts';
import { useWorkbench } from '../store.ts';
import { CONLL_ACCEPT, HiddenFileInput } from './HiddenFileInput.tsx';
import { useFileDrop } from './useFileDrop.ts';

const numberFormat = new Intl.NumberFormat('en-US');

/**
 * The loaded dataset in a few lines, for the side panel: name, format, counts, tasks. What is in the
 * files (columns, tag inventories, added files, the test file) is the main pane's Data view.
 */
export function DatasetSummary() {
  const dataset = useWorkbench((s) => s.dataset);
  const showView = useWorkbench((s) => s.showView);
  if (!dataset) return <p className="muted dataset-summary">No dataset loaded yet.</p>;
  return (
    <section className="dataset-summary" data-testid="dataset-summary" aria-label="Dataset">
      <h2>
        <span data-testid="dataset-name">{dataset.name}</span>
        {dataset.builtIn && <span className="badge">built-in sample</span>}
        {dataset.hash && (
          <span className="muted hash" data-testid="dataset-hash" title={`SHA-256 ${dataset.hash}`}>
            {shortHash(dataset.hash)}
          </span>
        )}
      </h2>
      <p className="dataset-counts">
        <span data-testid="dataset-format">{dataset.format === 'conllu' ? 'CoNLL-U' : 'CoNLL columns'}</span> ·{' '}
        <span data-testid="dataset-sentences">{numberFormat.format(dataset.sentences)}</span> sentences ·{' '}
        <span data-testid="dataset-tokens">{numberFormat.format(dataset.tokens)}</span> tokens
        {dataset.docStarts > 0 && (
          <>
            {' '}
            · <span data-testid="dataset-docstarts">{numberFormat.format(dataset.docStarts)}</span> -DOCSTART- lines skipped
          </>
        )}
      </p>
      <p className="dataset-counts">
        tasks <span data-testid="dataset-task-names">{dataset.tasks.map((t) => t.name).join(' · ')}</span>{' '}
        <button type="button" className="link" data-testid="dataset-details" onClick={() => showView('data')}>
          columns, tags, files…
        </button>
      </p>
    </section>
  );
}

/** The loaded dataset in detail (the Data view): its files, the test file, the columns and each task's tags. */
export function DatasetPanel() {
  const dataset = useWorkbench((s) => s.dataset);
  if (!dataset) return <section className="panel">No dataset loaded yet.</section>;
  return (
    <section className="panel" data-testid="dataset-panel" aria-label="Dataset details">
      <h2>{dataset.name}</h2>
      <TrainingFiles dataset={dataset} />
      <TestFile />
      {/* Keyed by dataset so a new file resets the draft choices. */}
      <ColumnEditor key={`${dataset.name}:${dataset.sentences}`} dataset={dataset} />
      <TaskInventories dataset={dataset} />
    </section>
  );
}

/**
 * The files the training data is made of, and the control to add one (partial labels): a NER-only
 * file next to a POS-only one trains both tasks, each on the sentences that carry its labels.
 */
function TrainingFiles({ dataset }: { dataset: DatasetSummary }) {
  const addFile = useWorkbench((s) => s.addFile);
  const loading = useWorkbench((s) => s.loading);
  const input = useRef<HTMLInputElement>(null);
  const { over, handlers } = useFileDrop((file) => void addFile(file));
  return (
    <div
      className={`training-files${over ? ' over' : ''}`}
      data-testid="training-files"
      {...handlers}
    >
      {dataset.parts.length > 1 && (
        <table data-testid="dataset-parts">
          <thead>
            <tr>
              <th>file</th>
              <th>sentences</th>
              <th>labels for</th>
            </tr>
          </thead>
          <tbody>
            {dataset.parts.map((part, i) => (
              <tr key={`${i}:${part.name}`} data-testid="dataset-part" data-name={part.name}>
                <td>{part.name}</td>
                <td>{numberFormat.format(part.sentences)}</td>
                <td data-testid="dataset-part-tasks">{part.tasks.join(' · ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted">
        <button type="button" className="secondary" data-testid="add-file" disabled={loading !== null} onClick={() => input.current?.click()}>
          Add a file to the training data…
        </button>{' '}
        or drop it here: files need not carry every task (e.g. a NER-only and a POS-only file); tasks are matched by column name and each
        is trained and scored only on the sentences that have its labels.
      </p>
      <HiddenFileInput ref={input} testId="add-file-input" accept={CONLL_ACCEPT} onFile={(file) => void addFile(file)} />
    </div>
  );
}

/**
 * The test file: read aligned to the training tasks, kept apart from the training data (the main
 * drop zone replaces that). Runs started while it is loaded are scored on it with their best epoch
 * when they end; the study table shows those scores beside the dev ones.
 */
function TestFile() {
  const test = useWorkbench((s) => s.testFile);
  const notice = useWorkbench((s) => s.testFileNotice);
  const loadTestFile = useWorkbench((s) => s.loadTestFile);
  const clearTestFile = useWorkbench((s) => s.clearTestFile);
  const loading = useWorkbench((s) => s.loading);
  const input = useRef<HTMLInputElement>(null);
  // Not the page's drop zone: this drop must not replace the training data.
  const { over, handlers } = useFileDrop((file) => void loadTestFile(file), true);
  return (
    <div
      className={`training-files${over ? ' over' : ''}`}
      data-testid="test-file"
      {...handlers}
    >
      {test ? (
        <p data-testid="test-file-info" data-name={test.name} data-sentences={test.sentences}>
          Test file <strong data-testid="test-file-name">{test.name}</strong>: <span data-testid="test-file-sentences">{numberFormat.format(test.sentences)}</span> sentences,
          labels for <span data-testid="test-file-tasks">{test.tasks.filter((t) => t.labeledSentences > 0).map((t) => t.name).join(' · ')}</span>
          {test.tasks.some((t) => t.labeledSentences === 0) && (
            <span className="muted"> (not scored on test: {test.tasks.filter((t) => t.labeledSentences === 0).map((t) => t.name).join(' · ')})</span>
          )}
          . Runs started now are scored on it with their best epoch when they end.{' '}
          <button type="button" className="secondary" data-testid="test-file-clear" onClick={() => void clearTestFile()}>
            Remove
          </button>
        </p>
      ) : (
        notice && (
          <p className="muted" role="status" data-testid="test-file-notice">
            {notice}
          </p>
        )
      )}
      <p className="muted">
        <button type="button" className="secondary" data-testid="test-file-pick" disabled={loading !== null} onClick={() => input.current?.click()}>
          Test file…
        </button>{' '}
        or drop it here: held-out sentences, matched to the training tasks by column name (chunk schemes converted). Loading new training data
        removes it.
      </p>
      <HiddenFileInput ref={input} testId="test-file-input" accept={CONLL_ACCEPT} onFile={(file) => void loadTestFile(file)} />
    </div>
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
      <summary>Detected columns{dataset.parts.length > 1 ? ` of ${dataset.parts[0]?.name ?? ''}` : ''}</summary>
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
        <article key={task.name} className="task" data-testid="task-card" data-task={task.name}>
          <h3>
            {task.name} {dataset.parts.length === 1 && <span className="muted">column {task.column + 1}</span>}
          </h3>
          <p>
            <span data-testid="task-scheme">{task.scheme}</span> ·{' '}
            <span data-testid="task-tag-count">{task.tags.length}</span> tags ·{' '}
            <span data-testid="task-labelled" data-count={task.labeledSentences}>
              labels in {numberFormat.format(task.labeledSentences)} of {numberFormat.format(dataset.sentences)} sentences
            </span>
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
