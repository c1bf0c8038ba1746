import { useRef } from 'react';
import { useWorkbench } from '../store.ts';
import { HiddenFileInput } from './HiddenFileInput.tsx';

/** Opens a model archive (.zip from the workbench or `mtaa train --out`) as a new run. */
export function ImportModelButton() {
  const importModel = useWorkbench((s) => s.importModel);
  const input = useRef<HTMLInputElement>(null);
  return (
    <span className="import-model">
      <button type="button" className="secondary" data-testid="model-import" onClick={() => input.current?.click()} title="A model .zip exported by the workbench or the CLI">
        Import model (.zip)…
      </button>
      <HiddenFileInput ref={input} testId="model-file" accept=".zip,application/zip" onFile={(file) => void importModel(file)} />
    </span>
  );
}
