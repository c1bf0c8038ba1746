import { useRef, useState, type DragEvent } from 'react';
import { useWorkbench } from '../store.ts';

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
      <input
        ref={input}
        type="file"
        hidden
        data-testid="file-input"
        accept=".conll,.conllu,.txt,.tsv,.iob,.bio,.testa,.testb,.train,text/plain"
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) void loadFile(file);
          event.target.value = '';
        }}
      />
      {loading && (
        <p className="loading" data-testid="loading">
          Reading {loading}…
        </p>
      )}
    </div>
  );
}
