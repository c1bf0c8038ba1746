import { useState, type DragEvent } from 'react';
import type { BertInfo } from '../../protocol.ts';
import { useWorkbench } from '../store.ts';

const integer = new Intl.NumberFormat('en-US');

/** One file of a dropped or picked checkpoint, with its path inside the folder. */
interface PathFile {
  path: string;
  file: File;
}

/** Reads a dropped folder's entries (browsers list a directory in batches: read until empty). */
async function walk(entry: FileSystemEntry, prefix: string): Promise<PathFile[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    return [{ path: prefix + entry.name, file }];
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const out: PathFile[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return out;
    for (const child of batch) out.push(...(await walk(child, `${prefix}${entry.name}/`)));
  }
}

/** A drop's files: a folder walked through, or the dropped files themselves (a zip, or a folder's files). */
async function droppedFiles(transfer: DataTransfer): Promise<{ name: string; files: PathFile[] }> {
  const entries = Array.from(transfer.items, (item) => item.webkitGetAsEntry?.() ?? null);
  const folder = entries.find((e) => e?.isDirectory);
  if (folder) return { name: folder.name, files: await walk(folder, '') };
  const files = Array.from(transfer.files, (file) => ({ path: file.name, file }));
  return { name: files.length === 1 ? files[0]!.path : 'dropped files', files };
}

/** The files of a `webkitdirectory` input, by their path inside the chosen folder. */
function pickedFolder(list: FileList): { name: string; files: PathFile[] } {
  const files = Array.from(list, (file) => ({ path: file.webkitRelativePath || file.name, file }));
  return { name: files[0]?.path.split('/')[0] ?? 'folder', files };
}

const seconds = (s: number) => (s < 60 ? `${Math.ceil(s)} s` : `${Math.floor(s / 60)} min ${Math.ceil(s % 60)} s`);

/**
 * BERT features (issue 17): drop a local Hugging Face BERT checkpoint (folder or zip), see its
 * word features of the loaded dataset computed in the worker (progress and ETA) or read back from
 * IndexedDB, and choose whether and how new runs use them (`model.embedding.bert`). The study panel
 * offers "+ BERT" configurations while a checkpoint is loaded.
 */
export function BertPanel() {
  const bert = useWorkbench((s) => s.bert);
  const loading = useWorkbench((s) => s.bertLoading);
  const progress = useWorkbench((s) => s.bertProgress);
  const error = useWorkbench((s) => s.bertError);
  const dataset = useWorkbench((s) => s.dataset);
  const draftBert = useWorkbench((s) => s.draft.model.embedding.bert);
  const loadBert = useWorkbench((s) => s.loadBert);
  const compute = useWorkbench((s) => s.computeBertFeatures);
  const setUse = useWorkbench((s) => s.setUseBert);
  const setSettings = useWorkbench((s) => s.setBertSettings);
  const clear = useWorkbench((s) => s.clearBert);
  const dismiss = useWorkbench((s) => s.dismissBertError);
  const [over, setOver] = useState(false);
  const busy = loading !== null || progress !== null;

  const onDrop = (event: DragEvent<HTMLElement>) => {
    // The drop is the checkpoint's, not new training data for the page's drop zone.
    event.preventDefault();
    event.stopPropagation();
    setOver(false);
    void droppedFiles(event.dataTransfer).then(({ name, files }) => loadBert(name, files));
  };
  const onDragOver = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    event.stopPropagation();
    setOver(true);
  };

  const features = bert?.features ?? null;
  const stale =
    bert !== null &&
    dataset !== null &&
    (!features ||
      features.datasetName !== dataset.name ||
      (draftBert !== undefined && (features.settings.layer !== draftBert.layer || features.settings.mixLastFour !== draftBert.mixLastFour || features.settings.pooling !== draftBert.pooling)));
  const percent = progress && progress.sentences > 0 ? Math.round((progress.sentencesDone / progress.sentences) * 100) : 0;

  return (
    <div className={`vectors bert${over ? ' over' : ''}`} data-testid="bert-panel" onDragOver={onDragOver} onDragLeave={() => setOver(false)} onDrop={onDrop}>
      <h3>BERT features</h3>
      {error && (
        <div className="error-banner" role="alert" data-testid="bert-error">
          <p className="error-message">{error}</p>
          {bert && <p className="error-kept">Nothing was changed: {bert.name} is still loaded.</p>}
          <button type="button" onClick={dismiss} aria-label="Dismiss error">
            ×
          </button>
        </div>
      )}
      {loading && <p className="muted">Reading and checking {loading}…</p>}
      {progress && (
        <div className="progress" data-testid="bert-progress" data-done={progress.sentencesDone} data-total={progress.sentences}>
          <div className="progress-track" role="progressbar" aria-label="Computing BERT features" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
            <div className="progress-fill status-running" style={{ width: `${percent}%` }} />
          </div>
          <span className="muted">
            Computing BERT features: {integer.format(progress.sentencesDone)} / {integer.format(progress.sentences)} sentences
            {progress.etaSeconds !== null && progress.sentencesDone < progress.sentences && <>, about {seconds(progress.etaSeconds)} left</>}
          </span>
        </div>
      )}
      {bert ? (
        <Loaded bert={bert} />
      ) : (
        <p className="muted">
          Drop a Hugging Face BERT checkpoint here (a folder or a .zip with config.json, model.safetensors and tokenizer.json or vocab.txt), or choose{' '}
          <FolderPicker disabled={busy} onPick={(name, files) => void loadBert(name, files)} /> or <ZipPicker disabled={busy} onPick={(name, files) => void loadBert(name, files)} />. It stays on this
          machine: nothing is downloaded.
        </p>
      )}
      {bert && stale && dataset && !progress && (
        <button type="button" data-testid="bert-compute" disabled={busy} onClick={() => void compute()}>
          Compute features of {dataset.name}
        </button>
      )}
      {bert && (
        <div className="bert-use">
          <label>
            <input type="checkbox" data-testid="bert-use" checked={draftBert !== undefined} onChange={(e) => setUse(e.target.checked)} /> Train new runs with BERT features
          </label>
          {draftBert && (
            <span className="bert-settings">
              {' '}
              <select aria-label="BERT features enter" data-testid="bert-mode" value={draftBert.mode} onChange={(e) => setSettings({ mode: e.target.value as 'concat' | 'replace' })}>
                <option value="concat">beside word + char</option>
                <option value="replace">instead of word + char</option>
              </select>{' '}
              <select aria-label="word vector" data-testid="bert-pooling" value={draftBert.pooling} onChange={(e) => setSettings({ pooling: e.target.value as 'first' | 'mean' })}>
                <option value="first">first piece</option>
                <option value="mean">mean of pieces</option>
              </select>{' '}
              <label>
                <input type="checkbox" data-testid="bert-mix" checked={draftBert.mixLastFour} disabled={bert.layers < 4} onChange={(e) => setSettings({ mixLastFour: e.target.checked })} /> mix of the last four layers
              </label>{' '}
              {!draftBert.mixLastFour && (
                <label>
                  layer{' '}
                  <input
                    type="number"
                    data-testid="bert-layer"
                    min={-(bert.layers + 1)}
                    max={bert.layers}
                    value={draftBert.layer}
                    onChange={(e) => Number.isInteger(e.target.valueAsNumber) && setSettings({ layer: e.target.valueAsNumber })}
                  />
                </label>
              )}
            </span>
          )}{' '}
          <button type="button" className="secondary" data-testid="bert-clear" onClick={() => void clear()}>
            Remove
          </button>{' '}
          <FolderPicker disabled={busy} label="another folder…" onPick={(name, files) => void loadBert(name, files)} />{' '}
          <ZipPicker disabled={busy} label="another zip…" onPick={(name, files) => void loadBert(name, files)} />
        </div>
      )}
    </div>
  );
}

function Loaded({ bert }: { bert: BertInfo }) {
  const f = bert.features;
  return (
    <div data-testid="bert-info" data-name={bert.name} data-hidden={bert.hiddenSize}>
      <p>
        <strong>{bert.name}</strong>: {bert.layers} layers × {bert.hiddenSize} hidden, {bert.heads} heads, {integer.format(bert.vocabSize)} pieces ({bert.storedDtype}).
      </p>
      {f && (
        <p data-testid="bert-features" data-from-cache={String(f.fromCache)} data-sentences={f.sentences} data-dim={f.dim}>
          Features of {f.datasetName}: {integer.format(f.sentences)} sentences, {integer.format(f.words)} words × {f.dim} ({(f.storedBytes / 1e6).toFixed(1)} MB as float16),{' '}
          {f.fromCache ? `read from IndexedDB in ${f.seconds.toFixed(1)} s (not recomputed)` : `computed in ${f.seconds.toFixed(1)} s and kept in IndexedDB`}.
          {f.storageProblem && <span className="muted"> {f.storageProblem}</span>}
        </p>
      )}
    </div>
  );
}

function FolderPicker({ disabled, label = 'a folder', onPick }: { disabled: boolean; label?: string; onPick: (name: string, files: PathFile[]) => void }) {
  return (
    <label className="link">
      {label}
      <input
        type="file"
        hidden
        multiple
        disabled={disabled}
        data-testid="bert-folder-input"
        // webkitdirectory is not in React's attribute types; every current browser supports it.
        ref={(input) => input?.setAttribute('webkitdirectory', '')}
        onChange={(event) => {
          const list = event.target.files;
          if (list && list.length > 0) {
            const { name, files } = pickedFolder(list);
            onPick(name, files);
          }
          event.target.value = '';
        }}
      />
    </label>
  );
}

function ZipPicker({ disabled, label = 'a .zip', onPick }: { disabled: boolean; label?: string; onPick: (name: string, files: PathFile[]) => void }) {
  return (
    <label className="link">
      {label}
      <input
        type="file"
        hidden
        accept=".zip,application/zip"
        disabled={disabled}
        data-testid="bert-zip-input"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) onPick(file.name, [{ path: file.name, file }]);
        }}
      />
    </label>
  );
}
