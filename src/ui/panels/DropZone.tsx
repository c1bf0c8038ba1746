import { useRef, useState, type DragEvent } from 'react';
import { useWorkbench } from '../store.ts';
import { CONLL_ACCEPT, HiddenFileInput } from './HiddenFileInput.tsx';

/** Drop a CoNLL / CoNLL-U file anywhere on the zone, or pick one. */
export function DropZone() {
  const loadFile = useWorkbench((s) => s.loadFile);
  const loading = useWorkbench((s) => s.loading);
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setOver(false);
    const file = event.dataTransfer.files[0];
    if (file) void loadFile(file);
  };

  return (
    <div
      className={`drop-zone${over ? ' over' : ''}`}
      data-testid="drop-zone"
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
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
