import { useRef } from 'react';
import { useWorkbench } from '../store.ts';
import { CONLL_ACCEPT, HiddenFileInput } from './HiddenFileInput.tsx';
import { useFileDrop } from './useFileDrop.ts';

/** Drop a CoNLL / CoNLL-U file anywhere on the zone, or pick one. */
export function DropZone() {
  const loadFile = useWorkbench((s) => s.loadFile);
  const loading = useWorkbench((s) => s.loading);
  const input = useRef<HTMLInputElement>(null);
  const { over, handlers } = useFileDrop((file) => void loadFile(file));

  return (
    <div
      className={`drop-zone${over ? ' over' : ''}`}
      data-testid="drop-zone"
      {...handlers}
    >
      <p>
        Drop a CoNLL (<code>word tag tag …</code>) or CoNLL-U file here, or{' '}
        <button type="button" className="link" onClick={() => input.current?.click()}>
          choose a file
        </button>
        .
      </p>
      <HiddenFileInput ref={input} testId="file-input" accept={CONLL_ACCEPT} onFile={(file) => void loadFile(file)} />
      {loading && (
        <p className="loading" data-testid="loading">
          Reading {loading}…
        </p>
      )}
    </div>
  );
}
