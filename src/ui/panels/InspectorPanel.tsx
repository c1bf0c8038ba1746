import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { messageOf } from '../../core/errors.ts';
import type { SentenceInspection, TagScheme, TrainerApi } from '../../protocol.ts';
import { ChartStyles } from '../charts/ChartStyles.tsx';
import { useWorkbench } from '../store.ts';
import { InspectorTask } from './InspectorTask.tsx';
import { RunSelect, type PickableRun } from './RunSelect.tsx';

/** What the inspector asks of the worker (through the store, or a fake in tests). */
export type InspectorApi = Pick<TrainerApi, 'devSentences' | 'inspectSentence'>;

export type InspectRequest = { devIndex: number } | { text: string };

/** A run the inspector can ask (`RunInfo` fits): its name and, when known, its data. */
export type InspectableRun = PickableRun;

export interface InspectorPanelProps {
  /** Runs that can be inspected, in start order (`RunInfo` fits). */
  runs: InspectableRun[];
  /** The selected run (controlled); left out, the panel keeps its own choice, the latest run first. */
  runId?: string | null;
  onSelectRun?: (runId: string) => void;
  /** The dataset's tag scheme per task name (`DatasetSummary.tasks`); unknown ones are detected. */
  schemes?: Record<string, TagScheme>;
  /** How many dev sentences the picker lists. */
  sentenceLimit?: number;
  /** Where the questions go; the store (and through it the worker) by default. */
  api?: InspectorApi;
}

type Loaded<T> = { key: string; value: T; error?: undefined } | { key: string; value?: undefined; error: string };

const requestKey = (runId: string, request: InspectRequest, nonce: number) => `${runId}|${JSON.stringify(request)}|${nonce}`;

/**
 * The attention inspector: pick a dev sentence or type one, and see for each task the predicted and
 * gold tags (errors marked) and β per token over the task's representations, for the selected run.
 */
export function InspectorPanel({ runs, runId, onSelectRun, schemes, sentenceLimit = 500, api }: InspectorPanelProps) {
  const devSentences = useWorkbench((s) => s.devSentences);
  const inspectSentence = useWorkbench((s) => s.inspectSentence);
  const client = useMemo<InspectorApi>(() => api ?? { devSentences, inspectSentence }, [api, devSentences, inspectSentence]);
  const [chosen, setChosen] = useState<string | null>(null);
  const fallback = runs.some((r) => r.runId === chosen) ? chosen : (runs.at(-1)?.runId ?? null);
  const selected = runId !== undefined ? runId : fallback;

  const [query, setQuery] = useState('');
  const [draft, setDraft] = useState('');
  const [request, setRequest] = useState<InspectRequest | null>(null);
  const [nonce, setNonce] = useState(0);
  const [sentences, setSentences] = useState<Loaded<{ index: number; text: string }[]> | null>(null);
  const [result, setResult] = useState<Loaded<SentenceInspection> | null>(null);

  // A dev sentence another panel asked to open (an error in the scores panel): adopted while
  // rendering, as React advises for state that follows a prop, then scrolled to.
  const target = useWorkbench((s) => s.inspectTarget);
  const [openedSeq, setOpenedSeq] = useState(0);
  if (target && target.seq !== openedSeq && runs.some((r) => r.runId === target.runId)) {
    setOpenedSeq(target.seq);
    setChosen(target.runId);
    setQuery('');
    setRequest({ devIndex: target.devIndex });
  }
  const section = useRef<HTMLElement>(null);
  useEffect(() => {
    if (openedSeq > 0) section.current?.scrollIntoView?.({ block: 'start' });
  }, [openedSeq]);

  // Without a run the list is the loaded dataset's split: asked again when the dataset changes.
  const datasetKey = useWorkbench((s) => (s.dataset ? (s.dataset.hash ?? s.dataset.name) : ''));
  const sentencesKey = `${selected ?? ''}|${sentenceLimit}|${selected ? '' : datasetKey}`;
  useEffect(() => {
    let live = true;
    client.devSentences(sentenceLimit, selected ?? undefined).then(
      (list) => live && setSentences({ key: sentencesKey, value: list }),
      (error: unknown) => live && setSentences({ key: sentencesKey, error: messageOf(error) }),
    );
    return () => {
      live = false;
    };
  }, [client, selected, sentenceLimit, sentencesKey]);

  const currentKey = selected && request ? requestKey(selected, request, nonce) : null;
  useEffect(() => {
    if (!selected || !request) return;
    const key = requestKey(selected, request, nonce);
    let live = true;
    client.inspectSentence(selected, request).then(
      (inspection) => live && setResult({ key, value: inspection }),
      (error: unknown) => live && setResult({ key, error: messageOf(error) }),
    );
    return () => {
      live = false;
    };
  }, [client, selected, request, nonce]);

  const list = useMemo(() => sentences?.value ?? [], [sentences]);
  const filtered = useMemo(() => {
    const q = query.trim().toLowerCase();
    return q ? list.filter((s) => s.text.toLowerCase().includes(q)) : list;
  }, [list, query]);
  const loadingSentences = sentences === null || sentences.key !== sentencesKey;
  const loading = currentKey !== null && result?.key !== currentKey;
  const selectRun = (id: string) => {
    setChosen(id);
    onSelectRun?.(id);
  };
  const submitText = (event: FormEvent) => {
    event.preventDefault();
    const text = draft.trim();
    if (text) setRequest({ text });
  };

  return (
    <section ref={section} className="panel inspector" data-testid="inspector-panel" aria-label="Attention inspector">
      <ChartStyles />
      <h2>Attention inspector</h2>
      <div className="row">
        <RunSelect label="Run" ariaLabel="Run to inspect" testId="inspector-run" runs={runs} value={selected ?? null} onChange={selectRun} />
        {request && selected && (
          <button type="button" className="secondary" data-testid="inspector-refresh" onClick={() => setNonce((n) => n + 1)} title="Inspect again with the run's current weights">
            Re-inspect
          </button>
        )}
      </div>
      {runs.length === 0 && <p className="muted">Start a run to inspect its predictions and attention.</p>}
      <div className="picker">
        <div>
          <label htmlFor="inspector-filter">Dev sentence</label>
          <input id="inspector-filter" type="search" placeholder="filter…" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="inspector-filter" />
          {sentences?.error !== undefined && sentences.key === sentencesKey ? (
            <p className="chart-error" role="alert" data-testid="inspector-sentences-error">
              Could not list the dev sentences: {sentences.error}
            </p>
          ) : (
            <select
              size={8}
              aria-label="Dev sentences"
              data-testid="inspector-sentences"
              value={request && 'devIndex' in request ? String(request.devIndex) : ''}
              disabled={!selected}
              onChange={(e) => setRequest({ devIndex: Number(e.target.value) })}
            >
              {loadingSentences && <option disabled>loading…</option>}
              {filtered.map((s) => (
                <option key={s.index} value={String(s.index)} title={s.text}>
                  {`${s.index + 1}. ${s.text.length > 120 ? `${s.text.slice(0, 117)}…` : s.text}`}
                </option>
              ))}
            </select>
          )}
          {!loadingSentences && list.length > 0 && (
            <div className="muted">
              {filtered.length} of {list.length} sentences
            </div>
          )}
          {!loadingSentences && sentences?.value !== undefined && list.length === 0 && (
            // Never an empty list without a word: a run's dev split may truly be empty (a tiny file).
            <p className="muted" data-testid="inspector-no-sentences">
              {selected ? 'This run has no dev sentences.' : datasetKey ? 'The loaded dataset has no dev sentences.' : 'Load a dataset to list its dev sentences.'}
            </p>
          )}
        </div>
        <form onSubmit={submitText}>
          <label htmlFor="inspector-text">…or type a sentence</label>
          <textarea id="inspector-text" rows={3} value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="EU rejects German call to boycott British lamb ." data-testid="inspector-text" />
          <button type="submit" disabled={!selected || draft.trim() === ''} data-testid="inspector-submit">
            Inspect
          </button>
        </form>
      </div>
      {loading && (
        <p className="loading" data-testid="inspector-loading">
          Inspecting…
        </p>
      )}
      {result?.key === currentKey && result?.error !== undefined && (
        <p className="chart-error" role="alert" data-testid="inspector-error">
          Could not inspect the sentence: {result.error}
        </p>
      )}
      {result?.value && <InspectionView inspection={result.value} schemes={schemes} stale={result.key !== currentKey} />}
    </section>
  );
}

export interface InspectionViewProps {
  inspection: SentenceInspection;
  schemes?: Record<string, TagScheme>;
  /** Shown dimmed while a newer inspection is on its way. */
  stale?: boolean;
}

/** An inspected sentence: one block per task. */
export function InspectionView({ inspection, schemes, stale = false }: InspectionViewProps) {
  return (
    <div className="inspection" data-testid="inspection" data-words={inspection.words.length} style={stale ? { opacity: 0.5 } : undefined}>
      {inspection.tasks.map((task) => (
        <InspectorTask key={task.task} words={inspection.words} task={task} scheme={schemes?.[task.task]} />
      ))}
    </div>
  );
}
