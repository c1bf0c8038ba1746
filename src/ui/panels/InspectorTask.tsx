import { useState } from 'react';
import { explainTerm } from '../../core/paperTerms.ts';
import { Term } from './Term.tsx';
import type { SentenceInspection, TagScheme } from '../../protocol.ts';
import { betaColor, chunkTypeColor, scaleGradient, textColorOn } from '../charts/colorScale.ts';
import { chunkCounts, segments, sentenceScheme, tokenErrors, type Segment } from '../charts/spans.ts';

export type InspectedTask = SentenceInspection['tasks'][number];

export interface InspectorTaskProps {
  words: string[];
  task: InspectedTask;
  /** The dataset's scheme for this task, when known; else it is detected from the tags. */
  scheme?: TagScheme;
}

/** One task of an inspected sentence: predicted and gold tags (errors marked) and the β heatmap. */
export function InspectorTask({ words, task, scheme: known }: InspectorTaskProps) {
  const scheme = sentenceScheme(task.predicted, task.gold, known);
  const errors = tokenErrors(task.predicted, task.gold).filter(Boolean).length;
  const chunks = chunkCounts(task.predicted, task.gold, scheme);
  return (
    <section className="inspector-task" data-testid="inspector-task" data-task={task.task} data-scheme={scheme} aria-label={`Task ${task.task}`}>
      <h3>
        {task.task}
        <span className="muted" data-testid="task-errors" data-errors={errors}>
          {scheme === 'plain' ? 'per-token tags' : `${scheme} chunks`}
          {task.gold === null
            ? ' · no gold tags'
            : ` · ${errors} of ${words.length} token${words.length === 1 ? '' : 's'} wrong${chunks ? ` · ${chunks.correct}/${chunks.gold} gold chunks found, ${chunks.predicted - chunks.correct} spurious` : ''}`}
        </span>
      </h3>
      {scheme === 'plain' ? (
        <TagGrid words={words} predicted={task.predicted} gold={task.gold} />
      ) : (
        <>
          <TagLine kind="predicted" words={words} segments={segments(task.predicted, task.gold, scheme)} />
          {task.gold !== null && <TagLine kind="gold" words={words} segments={segments(task.gold, task.predicted, scheme, false)} />}
        </>
      )}
      {task.beta ? (
        <BetaHeatmap words={words} representations={task.representations} beta={task.beta} task={task.task} />
      ) : (
        <p className="muted" data-testid="no-beta">
          This model fuses its representations without attention: there is no β to show.
        </p>
      )}
    </section>
  );
}

/** displaCy-like line: chunks as coloured spans with their type, other tokens as plain text. */
function TagLine({ kind, words, segments }: { kind: 'predicted' | 'gold'; words: string[]; segments: Segment[] }) {
  return (
    <div className="tag-line" data-testid="tag-line" data-kind={kind}>
      <span className="line-label">{kind}</span>
      {segments.map((segment) =>
        segment.type === null ? (
          <span
            key={segment.start}
            className={segment.error ? 'token error' : 'token'}
            data-testid="token"
            data-error={segment.error}
            title={`${segment.tags[0] ?? ''}${segment.error ? (kind === 'predicted' ? ' (missed: gold has a chunk here)' : '') : ''}`}
          >
            {words[segment.start] ?? ''}
          </span>
        ) : (
          <mark
            key={segment.start}
            className={segment.error ? 'chunk error' : 'chunk'}
            data-testid="chunk"
            data-type={segment.type}
            data-start={segment.start}
            data-end={segment.end}
            data-error={segment.error}
            style={{ background: chunkTypeColor(segment.type) }}
            title={`${segment.tags.join(' ')}${segment.error ? (kind === 'predicted' ? ' — not a gold chunk' : ' — missed by the prediction') : ''}`}
          >
            {words.slice(segment.start, segment.end).join(' ')}
            <span className="chunk-type">{segment.type || '∅'}</span>
          </mark>
        ),
      )}
    </div>
  );
}

/** Per-token tags of a plain task: word, predicted tag, gold tag; a wrong prediction in red. */
function TagGrid({ words, predicted, gold }: { words: string[]; predicted: string[]; gold: string[] | null }) {
  const errors = tokenErrors(predicted, gold);
  return (
    <div className="tag-grid" data-testid="tag-grid">
      {words.map((word, i) => (
        <span key={i} className={errors[i] ? 'cell error' : 'cell'} data-testid="token" data-error={errors[i]} title={gold ? `predicted ${predicted[i] ?? ''}, gold ${gold[i] ?? ''}` : `predicted ${predicted[i] ?? ''}`}>
          <span className="word">{word}</span>
          <span className="tag predicted">{predicted[i] ?? ''}</span>
          {gold && <span className="tag gold">{gold[i] ?? ''}</span>}
        </span>
      ))}
    </div>
  );
}

export interface BetaHeatmapProps {
  task: string;
  words: string[];
  /** Column names: `individual`, `shared:<task>`… */
  representations: string[];
  /** `[token][representation]`. */
  beta: number[][];
}

const betaText = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(2));

/** β per token (rows) over the task's representations (columns), with hover values and a legend. */
export function BetaHeatmap({ task, words, representations, beta }: BetaHeatmapProps) {
  const [hover, setHover] = useState<{ row: number; column: number } | null>(null);
  const hovered = hover ? beta[hover.row]?.[hover.column] : undefined;
  return (
    <div className="beta" data-testid="beta">
      <table className="beta-heatmap" data-testid="beta-heatmap" aria-label={`Attention β of ${task}`} onMouseLeave={() => setHover(null)}>
        <thead>
          <tr>
            <th scope="col">token</th>
            {representations.map((rep) => (
              <th key={rep} scope="col" data-testid="beta-column" title={explainTerm(rep === 'individual' ? 'individualEncoder' : 'sharedEncoder')}>
                {rep}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {beta.map((row, i) => (
            <tr key={i} data-testid="beta-row" data-token={words[i] ?? ''} data-values={JSON.stringify(row)}>
              <th scope="row">{words[i] ?? ''}</th>
              {row.map((value, j) => {
                const background = betaColor(value);
                const isHovered = hover?.row === i && hover.column === j;
                return (
                  <td
                    key={j}
                    className={isHovered ? 'hovered' : undefined}
                    style={{ background, color: textColorOn(background) }}
                    title={`${words[i] ?? ''} · ${representations[j] ?? `#${j}`}: β = ${Number.isFinite(value) ? value.toFixed(4) : '–'}`}
                    onMouseEnter={() => setHover({ row: i, column: j })}
                  >
                    {betaText(value)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="beta-tooltip" role="status" data-testid="beta-tooltip">
        {hover ? `${words[hover.row] ?? ''} → ${representations[hover.column] ?? `#${hover.column}`}: β = ${hovered !== undefined && Number.isFinite(hovered) ? hovered.toFixed(4) : '–'}` : ' '}
      </div>
      <div className="beta-scale" data-testid="beta-scale" aria-label="β colour scale from 0 to 1">
        <span>
          <Term name="beta" /> 0
        </span>
        <span className="bar" style={{ background: scaleGradient() }} />
        <span>1</span>
      </div>
    </div>
  );
}
