import { useRef } from 'react';
import { useWorkbench } from '../store.ts';

/** Opens a model archive (.zip from the workbench or `mtaa train --out`) as a new run. */
export function ImportModelButton() {
  const importModel = useWorkbench((s) => s.importModel);
  const input = useRef<HTMLInputElement>(null);
  return (
    <span className="import-model">
      <button type="button" className="secondary" data-testid="model-import" onClick={() => input.current?.click()} title="A model .zip exported by the workbench or the CLI">
        Import model (.zip)…
      </button>
      <input
        ref={input}
        type="file"
        accept=".zip,application/zip"
        hidden
        data-testid="model-file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void importModel(file);
        }}
      />
    </span>
  );
}
