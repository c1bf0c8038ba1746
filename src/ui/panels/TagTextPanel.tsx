import { useMemo, useReducer, useRef, useState } from 'react';
import { messageOf } from '../../core/errors.ts';
import type { SentenceInspection, TagScheme } from '../../protocol.ts';
import { chunkTypeColor, textColorOn } from '../charts/colorScale.ts';
import { segments, sentenceScheme } from '../charts/spans.ts';
import { downloadBlob } from '../download.ts';
import { taggedConll } from '../taggedText.ts';
import { bertNeeded, type BertRun } from '../bertNeeded.ts';
import { initialTagText, shownTagResult, tagTextReducer } from '../tagTextState.ts';
import { useWorkbench } from '../store.ts';
import { InspectionView, type InspectableRun } from './InspectorPanel.tsx';
import { RunSelect } from './RunSelect.tsx';

export interface TagTextPanelProps {
  /** With `config` and `bert` (RunInfo fits), a run trained on BERT features asks for its checkpoint. */
  runs: (InspectableRun & Partial<BertRun>)[];
  schemes?: Record<string, TagScheme>;
}

/**
 * Tag text: type or paste sentences (one per line), see every task's predicted tags as spans, open
 * a sentence in the attention view with one click, download the result as CoNLL. A run trained on
 * BERT features tags with its own checkpoint: until that is loaded, the panel names it.
 */
export function TagTextPanel({ runs, schemes }: TagTextPanelProps) {
  const tagText = useWorkbench((s) => s.tagText);
  const [chosen, setChosen] = useState<string | null>(null);
  const runId = runs.some((r) => r.runId === chosen) ? chosen : (runs.at(-1)?.runId ?? null);
  const [text, setText] = useState('');
  // Which model's answer is on the page, and which request is out (see tagTextState.ts).
  const [state, dispatch] = useReducer(tagTextReducer, initialTagText);
  const requests = useRef(0);
  const [open, setOpen] = useState<number | null>(null);
  const busy = state.pending !== null;
  const { error } = state;
  const result = shownTagResult(state, runId);
  const loadedBert = useWorkbench((s) => s.bert);
  const run = runs.find((r) => r.runId === runId);
  const needsBert = run ? bertNeeded(run, loadedBert) : null;

  const tag = async () => {
    if (!runId) return;
    const request = ++requests.current;
    dispatch({ type: 'submit', request, runId });
    setOpen(null);
    try {
      const sentences: SentenceInspection[] = await tagText(runId, text);
      dispatch({ type: 'answer', request, sentences });
    } catch (e) {
      dispatch({ type: 'fail', request, message: messageOf(e) });
    }
  };

  return (
    <section className="panel tag-text" data-testid="tag-text-panel" aria-label="Tag text">
      <h2>Tag text</h2>
      <div className="row">
        <RunSelect label="Model" ariaLabel="Run whose model tags the text" testId="tag-run" runs={runs} value={runId ?? null} onChange={setChosen} />
      </div>
      <textarea
        data-testid="tag-input"
        rows={4}
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder={'One sentence per line, e.g.\nEU rejects German call to boycott British lamb .'}
        aria-label="Sentences to tag, one per line"
      />
      <div className="actions">
        <button type="button" data-testid="tag-submit" disabled={!runId || busy || text.trim() === '' || needsBert !== null} onClick={() => void tag()}>
          {busy ? 'Tagging…' : 'Tag'}
        </button>
        <button
          type="button"
          className="secondary"
          data-testid="tag-download"
          disabled={!result}
          onClick={() => result && downloadBlob(`tagged-${result.runId}.conll`, new Blob([taggedConll(result.sentences)], { type: 'text/plain' }))}
        >
          Download CoNLL
        </button>
      </div>
      {needsBert && (
        <p className="muted" role="status" data-testid="tag-bert-needed">
          {needsBert}
        </p>
      )}
      {error && (
        <p className="chart-error" role="alert" data-testid="tag-error">
          {error}
        </p>
      )}
      {result &&
        result.sentences.map((sentence, i) => (
          <article key={i} className="tagged-sentence" data-testid="tagged-sentence" data-run-id={result.runId} data-words={sentence.words.length}>
            {sentence.tasks.map((task) => (
              <TaggedLine key={task.task} words={sentence.words} task={task.task} tags={task.predicted} scheme={schemes?.[task.task]} />
            ))}
            <button type="button" className="link" data-testid="tag-inspect" onClick={() => setOpen(open === i ? null : i)}>
              {open === i ? 'Hide attention' : 'Inspect attention'}
            </button>
            {open === i && <InspectionView inspection={sentence} {...(schemes ? { schemes } : {})} />}
          </article>
        ))}
    </section>
  );
}

function TaggedLine({ words, task, tags, scheme: known }: { words: string[]; task: string; tags: string[]; scheme: TagScheme | undefined }) {
  const scheme = sentenceScheme(tags, null, known);
  const parts = useMemo(() => segments(tags, null, scheme), [tags, scheme]);
  return (
    <div className="tag-line" data-testid="tagged-line" data-task={task} data-tags={tags.join(' ')}>
      <span className="line-label">{task}</span>
      {parts.map((segment) => {
        const text = words.slice(segment.start, segment.end).join(' ');
        const label = segment.type ?? (scheme === 'plain' ? segment.tags[0] : null);
        if (label === null || label === undefined) return <span key={segment.start} className="token">{text} </span>;
        const background = chunkTypeColor(label);
        return (
          <span key={segment.start} className="chunk" title={segment.tags.join(' ')} style={{ background, color: textColorOn(background) }}>
            {text} <small>{label}</small>{' '}
          </span>
        );
      })}
    </div>
  );
}
