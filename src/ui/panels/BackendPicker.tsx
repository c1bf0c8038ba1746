import type { Backend } from '../../protocol.ts';
import { useWorkbench } from '../store.ts';

const ORDER: Backend[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
const NAMES: Record<Backend, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

/** Which tfjs backend the worker trains on, what it found, and the user's override. */
export function BackendPicker() {
  const backend = useWorkbench((s) => s.backend);
  const setBackend = useWorkbench((s) => s.setBackend);
  const anyActive = useWorkbench((s) => s.order.some((id) => s.runs[id]?.status === 'running' || s.runs[id]?.status === 'paused'));

  return (
    <div className="backend-picker" data-testid="backend-picker">
      <label className="field">
        <span>Backend</span>
        <select
          data-testid="backend-select"
          value={backend?.name ?? ''}
          disabled={!backend}
          onChange={(event) => void setBackend(event.target.value as Backend)}
        >
          {!backend && <option value="">starting…</option>}
          {ORDER.map((name) => {
            const unavailable = backend !== null && !backend.available.includes(name);
            const software = !unavailable && (backend?.software ?? []).includes(name);
            return (
              <option key={name} value={name}>
                {NAMES[name]}
                {unavailable ? ' (unavailable)' : ''}
                {software ? ' (software: slower than WASM)' : ''}
              </option>
            );
          })}
        </select>
      </label>
      <p className="backend-status">
        active: <strong data-testid="backend-active">{backend?.name ?? 'starting…'}</strong>
        {backend?.adapter ? (
          <>
            {' · '}
            <span data-testid="backend-adapter">{backend.adapter}</span>
          </>
        ) : null}
        {backend?.threads ? (
          <>
            {' · '}
            <span data-testid="backend-threads" title="training steps are split over this many threads (one per core)">
              {backend.threads} threads
            </span>
          </>
        ) : null}
      </p>
      {backend?.message && (
        <p className="muted" data-testid="backend-message">
          {backend.message}
        </p>
      )}
      {anyActive && (
        <p className="muted">Switching interrupts running runs; Resume continues them on the new backend from their last epoch.</p>
      )}
    </div>
  );
}
