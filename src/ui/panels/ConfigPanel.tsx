import { presets, type PresetName } from '../../core/config.ts';
import type { AdversaryPosition, Architecture, FusionKind, RunConfig } from '../../protocol.ts';
import {
  adversaryNames,
  applyField,
  architectureNames,
  fieldKinds,
  fieldValue,
  fusionNames,
  numberField,
  siblingLabel,
  type FieldKey,
  type FieldValue,
} from '../configEdit.ts';
import { lastNonZeroLambda, liveSettings } from '../liveChange.ts';
import { useWorkbench } from '../store.ts';
import { NumberField } from './NumberField.tsx';
import { Term } from './Term.tsx';
import { choiceTerms, explainTerm, type PaperTermKey } from '../../core/paperTerms.ts';

/** The paper term each number switch names, explained on hover. */
const numberTerms: Partial<Record<FieldKey, PaperTermKey>> = {
  lambdaAdversarial: 'lambda1',
  lambdaOrthogonality: 'lambda2',
  hidden: 'hidden',
  taskDim: 'taskDim',
  layers: 'layers',
};

/** A choice's hover text: its paper term's explanation, when it is one. */
const choiceTitle = (field: keyof typeof choiceTerms, value: string) => {
  const key = choiceTerms[field][value];
  return key ? explainTerm(key) : undefined;
};

const PRESETS = Object.keys(presets) as PresetName[];

/**
 * The run settings. With no live run selected they edit the next run; with a running or paused
 * run selected, shape-keeping switches (λ1, λ2, lr, discriminator) change that run from its next
 * batch, and shape-changing ones (fusion, adversary, architecture, sizes) start a sibling run on the
 * same data and seed.
 */
export function ConfigPanel() {
  const draft = useWorkbench((s) => s.draft);
  const preset = useWorkbench((s) => s.preset);
  const choosePreset = useWorkbench((s) => s.choosePreset);
  const setDraft = useWorkbench((s) => s.setDraft);
  const updateLive = useWorkbench((s) => s.updateLive);
  const startSibling = useWorkbench((s) => s.startSibling);
  const selectRun = useWorkbench((s) => s.selectRun);
  // Only what the form shows: step reports (many a second) do not re-render it.
  const liveInfo = useWorkbench((s) => {
    const run = s.selectedRunId ? s.runs[s.selectedRunId] : undefined;
    // Another tab's run changes there: here the form edits the draft.
    return run && !run.elsewhere && (run.status === 'running' || run.status === 'paused') ? run.info : null;
  });
  const liveChanges = useWorkbench((s) => (s.selectedRunId ? s.runs[s.selectedRunId]?.changes : undefined));
  // What the run trains with now: its config with every live change folded in (src/core/runState.ts).
  const liveConfig = useWorkbench((s) => (s.selectedRunId ? s.runs[s.selectedRunId]?.config : undefined));
  const pending = useWorkbench((s) => (s.selectedRunId ? s.pendingLive[s.selectedRunId] : undefined));
  const liveRun = liveInfo && liveConfig ? { info: liveInfo, changes: liveChanges ?? [], config: liveConfig } : null;

  // A live setting sent but not confirmed yet shows at once (the store's pendingLive).
  const config: RunConfig = liveRun ? { ...liveRun.config, train: { ...liveRun.config.train, ...pending } } : draft;
  const presetLambda = presets[preset].train.lambdaAdversarial || 1;

  const onField = (key: FieldKey, value: FieldValue) => {
    if (!liveRun) {
      setDraft(applyField(draft, key, value, presetLambda));
      return;
    }
    const restore = lastNonZeroLambda(liveRun.info.config, liveRun.changes, presetLambda);
    const next = applyField(config, key, value, restore);
    const kind = fieldKinds[key];
    if (kind === 'live') void updateLive(liveRun.info.runId, liveSettings(config, next));
    else if (kind === 'shape') void startSibling(liveRun.info.runId, next, siblingLabel(liveRun.info.label, key, value));
  };
  const hint = (key: FieldKey) => {
    if (!liveRun) return undefined;
    const kind = fieldKinds[key];
    return kind === 'live'
      ? 'Applies to the selected run from its next batch (a marker on its curves)'
      : kind === 'shape'
        ? 'Starts a sibling run on the same data and seed'
        : 'Applies to new runs only';
  };
  const tag = (key: FieldKey) => {
    if (!liveRun) return null;
    const kind = fieldKinds[key];
    return <span className={`kind kind-${kind}`}>{kind === 'live' ? 'live' : kind === 'shape' ? '→ sibling' : 'new runs'}</span>;
  };
  const frozen = (key: FieldKey) => liveRun !== null && fieldKinds[key] === 'new-run';
  const { model, train } = config;

  return (
    <div className="config-panel" data-testid="config-panel">
      <p className="config-mode" data-testid="config-mode" data-mode={liveRun ? 'live' : 'draft'}>
        {liveRun ? (
          <>
            Changing <strong>{liveRun.info.label}</strong> ({liveRun.info.runId}) while it trains.{' '}
            <button type="button" className="link" data-testid="edit-draft" onClick={() => selectRun(null)}>
              Edit the next run instead
            </button>
          </>
        ) : (
          'Settings of the next run'
        )}
      </p>
      <div className="fields">
        <label className="field">
          <span>Preset</span>
          <select data-testid="preset-select" value={preset} disabled={liveRun !== null} onChange={(e) => choosePreset(e.target.value as PresetName)}>
            {PRESETS.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label className="field" title={hint('architecture')}>
          <span>Architecture {tag('architecture')}</span>
          <select data-testid="field-architecture" title={choiceTitle('architecture', model.architecture)} value={model.architecture} onChange={(e) => onField('architecture', e.target.value as Architecture)}>
            {(Object.keys(architectureNames) as Architecture[]).map((a) => (
              <option key={a} value={a} title={choiceTitle('architecture', a)}>
                {architectureNames[a]}
              </option>
            ))}
          </select>
        </label>
        <label className="field" title={hint('fusion')}>
          <span>
            <Term name="fusion">Fusion</Term> {tag('fusion')}
          </span>
          <select
            data-testid="field-fusion"
            title={choiceTitle('fusion', model.fusion)}
            value={model.fusion}
            disabled={model.architecture !== 'mtaa'}
            onChange={(e) => onField('fusion', e.target.value as FusionKind)}
          >
            {(Object.keys(fusionNames) as FusionKind[]).map((f) => (
              <option key={f} value={f} title={choiceTitle('fusion', f)}>
                {fusionNames[f]}
              </option>
            ))}
          </select>
        </label>
        <label className="field" title={hint('adversary')}>
          <span>
            <Term name="adversarial">Adversary</Term> {tag('adversary')}
          </span>
          <select
            data-testid="field-adversary"
            title={choiceTitle('adversary', model.adversary)}
            value={model.adversary}
            disabled={model.architecture !== 'mtaa'}
            onChange={(e) => onField('adversary', e.target.value as AdversaryPosition)}
          >
            {(Object.keys(adversaryNames) as AdversaryPosition[]).map((a) => (
              <option key={a} value={a} title={choiceTitle('adversary', a)}>
                {adversaryNames[a]}
              </option>
            ))}
          </select>
        </label>
        <label className="field checkbox" title={hint('discriminator')}>
          <input
            type="checkbox"
            data-testid="field-discriminator"
            checked={train.lambdaAdversarial > 0}
            onChange={(e) => onField('discriminator', e.target.checked)}
          />
          <span>
            <Term name="discriminator">Discriminator</Term> on (<Term name="lambda1" /> &gt; 0) {tag('discriminator')}
          </span>
        </label>
        {(['lambdaAdversarial', 'lambdaOrthogonality', 'learningRate', 'hidden', 'taskDim', 'layers', 'epochs', 'seed', 'batchSize'] as const).map((key) => (
          <NumberField
            key={key}
            testId={`field-${key}`}
            {...numberField(key)}
            value={fieldValue(config, key) as number}
            disabled={frozen(key)}
            title={hint(key)}
            {...(numberTerms[key] ? { term: numberTerms[key] } : {})}
            onCommit={(v) => onField(key, v)}
          />
        ))}
      </div>
      {liveRun && (
        <p className="muted">
          <span className="kind kind-live">live</span> switches change this run from its next batch;{' '}
          <span className="kind kind-shape">→ sibling</span> switches start a new run beside it on the same data and seed.
        </p>
      )}
    </div>
  );
}
