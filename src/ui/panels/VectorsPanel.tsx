import { useRef } from 'react';
import { useWorkbench } from '../store.ts';
import { HiddenFileInput } from './HiddenFileInput.tsx';
import { useFileDrop } from './useFileDrop.ts';

const integer = new Intl.NumberFormat('en-US');

/**
 * Pre-trained word vectors (GloVe / word2vec text): drop or pick a file, watch it being read (in
 * the worker, so the page stays responsive), see how much of the dataset's vocabulary it covers,
 * and choose whether new runs start their word table from it.
 */
export function VectorsPanel() {
  const vectors = useWorkbench((s) => s.vectors);
  const loading = useWorkbench((s) => s.vectorsLoading);
  const error = useWorkbench((s) => s.vectorsError);
  const use = useWorkbench((s) => s.useVectors);
  const datasetName = useWorkbench((s) => s.dataset?.name ?? null);
  const loadVectors = useWorkbench((s) => s.loadVectors);
  const clearVectors = useWorkbench((s) => s.clearVectors);
  const setUseVectors = useWorkbench((s) => s.setUseVectors);
  const dismiss = useWorkbench((s) => s.dismissVectorsError);
  const input = useRef<HTMLInputElement>(null);
  const { over, handlers } = useFileDrop((file) => void loadVectors(file));
  const percent = loading ? Math.round(loading.fraction * 100) : 0;

  return (
    <div
      className={`vectors${over ? ' over' : ''}`}
      data-testid="vectors-panel"
      {...handlers}
    >
      <h3>Pre-trained word vectors</h3>
      {error && (
        <div className="error-banner" role="alert" data-testid="vectors-error">
          <p className="error-message">{error}</p>
          {vectors && <p className="error-kept">Nothing was changed: {vectors.fileName} is still loaded.</p>}
          <button type="button" onClick={dismiss} aria-label="Dismiss error">
            ×
          </button>
        </div>
      )}
      {loading && (
        <div className="progress" data-testid="vectors-progress" data-percent={percent}>
          <div className="progress-track" role="progressbar" aria-label={`Reading ${loading.fileName}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
            <div className="progress-fill status-running" style={{ width: `${percent}%` }} />
          </div>
          <span className="muted">
            Reading {loading.fileName}… {percent}%
          </span>
        </div>
      )}
      {vectors ? (
        <div data-testid="vectors-info" data-file={vectors.fileName} data-dim={vectors.dim}>
          <p>
            <strong>{vectors.fileName}</strong>: {integer.format(vectors.count)} vectors of {vectors.dim} dimensions.
          </p>
          {vectors.coverage && (
            <p data-testid="vectors-coverage" data-percent={vectors.coverage.percent.toFixed(1)}>
              Covers <strong>{vectors.coverage.percent.toFixed(1)}%</strong> of the {integer.format(vectors.coverage.words)} word types of{' '}
              {datasetName ?? 'the dataset'} ({integer.format(vectors.coverage.exact)} exact, {integer.format(vectors.coverage.lowercase)} lowercased,{' '}
              {integer.format(vectors.coverage.missing)} without a vector
              {vectors.coverage.missingExamples.length > 0 && <>, e.g. {vectors.coverage.missingExamples.slice(0, 8).join(', ')}</>}).
            </p>
          )}
          {vectors.warnings.map((w) => (
            <p key={w} className="muted">
              {w}
            </p>
          ))}
          <label>
            <input type="checkbox" data-testid="vectors-use" checked={use} onChange={(e) => setUseVectors(e.target.checked)} /> Start new runs from these vectors
            (word dimension {vectors.dim})
          </label>{' '}
          <button type="button" className="secondary" data-testid="vectors-clear" onClick={() => void clearVectors()}>
            Remove
          </button>
        </div>
      ) : (
        <p className="muted">
          Drop a GloVe or word2vec text file here, or{' '}
          <button type="button" className="link" data-testid="vectors-pick" disabled={loading !== null} onClick={() => input.current?.click()}>
            choose one
          </button>
          , to initialise the word table of new runs.
        </p>
      )}
      {vectors && (
        <button type="button" className="link" data-testid="vectors-pick" disabled={loading !== null} onClick={() => input.current?.click()}>
          Use another vectors file…
        </button>
      )}
      <HiddenFileInput ref={input} testId="vectors-input" accept=".txt,.vec,.glove,text/plain" onFile={(file) => void loadVectors(file)} />
    </div>
  );
}
