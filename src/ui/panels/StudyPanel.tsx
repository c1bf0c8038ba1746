import { useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ablations } from '../../core/config.ts';
import { messageOf } from '../../core/errors.ts';
import { useWorkbench } from '../store.ts';
import { BERT_CONFIGURATIONS, DEFAULT_ABLATIONS, parseSeeds, studyTable, type MeanStd, type StudyItem } from '../study.ts';
import { HiddenFileInput } from './HiddenFileInput.tsx';
import { ELSEWHERE_TITLE } from './elsewhere.ts';
import { studyRunsOf } from './studyRuns.ts';
import { StudyCurves } from './StudyCurves.tsx';
import { Term } from './Term.tsx';
import { ablationTerms } from '../../core/paperTerms.ts';

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');

/**
 * The ablation study runner: choose configurations and seeds, run them one after another on the
 * draft settings and the loaded data, reorder or cancel the queue, and read the result table
 * (best epoch's dev score per task and, with a test file, its test score, mean ± std over seeds),
 * exportable as CSV, and its curves per task (dev score by epoch per configuration), as PNG.
 */
export function StudyPanel() {
  const study = useWorkbench((s) => s.study);
  const studyElsewhere = useWorkbench((s) => s.studyElsewhere);
  const dataset = useWorkbench((s) => s.dataset);
  const startStudy = useWorkbench((s) => s.startStudy);
  const cancelStudy = useWorkbench((s) => s.cancelStudy);
  const clearStudy = useWorkbench((s) => s.clearStudy);
  const exportCsv = useWorkbench((s) => s.exportStudyCsv);
  const openArchive = useWorkbench((s) => s.openStudyArchive);
  const archiveError = useWorkbench((s) => s.studyArchiveError);
  const archiveInput = useRef<HTMLInputElement>(null);
  const [chosen, setChosen] = useState<string[]>([...DEFAULT_ABLATIONS]);
  const [seedText, setSeedText] = useState('1');
  const [seedError, setSeedError] = useState<string | null>(null);
  const bertLoaded = useWorkbench((s) => s.bert !== null);
  const names = [
    ...DEFAULT_ABLATIONS.filter((n) => n in ablations),
    ...Object.keys(ablations).filter((n) => !DEFAULT_ABLATIONS.includes(n as never)),
    // With a checkpoint loaded, "base vs MTAA, basic vs BERT" (Table VIII) is one study.
    ...(bertLoaded ? BERT_CONFIGURATIONS : []),
  ];
  const busy = study?.items.some((i) => i.status === 'running' || (study.active && i.status === 'queued')) ?? false;

  const start = () => {
    let seeds: number[];
    try {
      seeds = parseSeeds(seedText);
    } catch (error) {
      setSeedError(messageOf(error));
      return;
    }
    setSeedError(null);
    void startStudy(
      names.filter((n) => chosen.includes(n)),
      seeds,
    );
  };

  return (
    <section className="panel study" data-testid="study-panel" aria-label="Ablation study">
      <h2>Ablation study</h2>
      <fieldset className="study-configs" disabled={busy}>
        <legend>Configurations (on the settings of the side panel)</legend>
        {names.map((name) => (
          <label key={name}>
            <input
              type="checkbox"
              data-testid={`study-config-${name}`}
              checked={chosen.includes(name)}
              onChange={(e) => setChosen((c) => (e.target.checked ? [...c, name] : c.filter((n) => n !== name)))}
            />{' '}
            {ablationTerms[name] ? <Term name={ablationTerms[name]}>{name}</Term> : name}
          </label>
        ))}
        <label>
          seeds{' '}
          <input data-testid="study-seeds" value={seedText} onChange={(e) => setSeedText(e.target.value)} size={10} aria-label="Seeds, separated by commas" />
        </label>
        <button type="button" data-testid="study-start" disabled={!dataset || busy || studyElsewhere || chosen.length === 0} onClick={start}>
          Run study ({chosen.length} × {seedCount(seedText)} runs)
        </button>
      </fieldset>
      <p className="study-archive">
        Collected a study with <code>mtaa study collect</code>?{' '}
        <button type="button" className="link" data-testid="study-archive-open" disabled={busy} onClick={() => archiveInput.current?.click()}>
          Open its study-archive.zip
        </button>{' '}
        (its runs, curves and table appear here; a finished study here is replaced, its runs stay).
        <HiddenFileInput ref={archiveInput} testId="study-archive-file" accept=".zip,application/zip" onFile={(file) => void openArchive(file)} />
      </p>
      {archiveError && (
        <p className="run-message error" role="alert" data-testid="study-archive-error">
          {archiveError}
        </p>
      )}
      {seedError && (
        <p className="run-message error" role="alert" data-testid="study-error">
          {seedError}
        </p>
      )}
      {study && (
        <>
          {studyElsewhere && (
            <p className="run-message muted" data-testid="study-elsewhere">
              This study runs in another tab of this browser: its queue goes on there and its runs follow here. Once that tab finishes it or is
              closed, the study goes on here.
            </p>
          )}
          <fieldset className="study-owned" disabled={studyElsewhere} title={studyElsewhere ? ELSEWHERE_TITLE : undefined}>
            <StudyQueue items={study.items} active={study.active} />
          </fieldset>
          <div className="actions">
            <button type="button" className="secondary" data-testid="study-cancel-all" disabled={!busy || studyElsewhere} onClick={cancelStudy}>
              Cancel the queue
            </button>
            <button type="button" className="secondary" data-testid="study-csv" onClick={exportCsv}>
              Results CSV
            </button>
            <button type="button" className="secondary" data-testid="study-clear" disabled={busy || studyElsewhere} onClick={clearStudy} title="Takes the study off the page; its runs stay">
              Clear study
            </button>
            <DeleteStudyButton busy={busy} runs={study.items.filter((i) => i.runId !== undefined).length} />
          </div>
          <StudyResults />
          <StudyCurves />
        </>
      )}
    </section>
  );
}

/** "Delete the study and its runs", confirmed by a second click (as a run's Delete). */
function DeleteStudyButton({ busy, runs }: { busy: boolean; runs: number }) {
  const deleteStudy = useWorkbench((s) => s.deleteStudy);
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button type="button" className="secondary" data-testid="study-delete" disabled={busy} onClick={() => setConfirming(true)} title="Deletes the study and its runs with their checkpoints and models">
        Delete the study and its runs
      </button>
    );
  }
  return (
    <span className="actions">
      <button
        type="button"
        className="danger"
        data-testid="study-delete-confirm"
        disabled={busy}
        onClick={() => {
          setConfirming(false);
          void deleteStudy(true);
        }}
      >
        Delete the study and its {runs} run{runs === 1 ? '' : 's'}
      </button>
      <button type="button" className="secondary" onClick={() => setConfirming(false)}>
        Keep
      </button>
    </span>
  );
}

function seedCount(text: string): number {
  try {
    return parseSeeds(text).length;
  } catch {
    return 0;
  }
}

function StudyQueue({ items, active }: { items: StudyItem[]; active: boolean }) {
  const move = useWorkbench((s) => s.moveStudyItem);
  const cancel = useWorkbench((s) => s.cancelStudyItem);
  const selectRun = useWorkbench((s) => s.selectRun);
  return (
    <ol className="study-queue" data-testid="study-queue" data-active={active}>
      {items.map((item) => (
        <li key={item.id} data-testid="study-item" data-item-id={item.id} data-status={item.status} data-config={item.configName} data-run-id={item.runId ?? ''}>
          <span>
            {item.configName} · seed {item.seed}
          </span>{' '}
          <span className={`status status-${item.status}`}>{item.status}</span>{' '}
          {item.runId && (
            <button type="button" className="link" onClick={() => selectRun(item.runId!)}>
              {item.runId}
            </button>
          )}
          {item.status === 'queued' && (
            <span className="actions">
              <button type="button" className="secondary" data-testid="study-up" aria-label={`Move ${item.configName} seed ${item.seed} up`} onClick={() => move(item.id, -1)}>
                ↑
              </button>
              <button type="button" className="secondary" data-testid="study-down" aria-label={`Move ${item.configName} seed ${item.seed} down`} onClick={() => move(item.id, 1)}>
                ↓
              </button>
              <button type="button" className="secondary" data-testid="study-cancel" aria-label={`Cancel ${item.configName} seed ${item.seed}`} onClick={() => cancel(item.id)}>
                ✕
              </button>
            </span>
          )}
        </li>
      ))}
    </ol>
  );
}

function Cell({ value, task, testId = 'study-cell' }: { value: MeanStd | undefined; task: string; testId?: string }) {
  if (!value || value.n === 0) return <td>–</td>;
  return (
    <td data-testid={testId} data-task={task} data-mean={value.mean} data-std={value.std} data-n={value.n}>
      {fmt(value.mean)}
      {value.n > 1 ? ` ± ${fmt(value.std)}` : ''}
    </td>
  );
}

/**
 * Table VI/VII-like: configurations × tasks, the best epoch's dev score and (where runs were scored
 * on a test file) its test score, mean ± std over seeds.
 */
function StudyResults() {
  const study = useWorkbench((s) => s.study);
  // Only the study's runs: runs outside it (and their reports) do not re-render the table.
  const runs = useWorkbench(useShallow(studyRunsOf));
  const table = useMemo(() => (study ? studyTable(study, runs) : null), [study, runs]);
  if (!table || table.rows.length === 0) return <p className="muted">Results appear as the runs finish.</p>;
  return (
    <table className="study-table" data-testid="study-table">
      <thead>
        <tr>
          <th>configuration</th>
          {table.tasks.flatMap((t) => [
            <th key={t}>{t} (dev)</th>,
            ...(table.hasTest ? [<th key={`${t}:test`}>{t} (test)</th>] : []),
          ])}
          <th>mean</th>
          <th>seeds</th>
        </tr>
      </thead>
      <tbody>
        {table.rows.map((row) => (
          <tr key={row.configName} data-testid="study-row" data-config={row.configName} data-runs={row.runIds.join(' ')}>
            <th scope="row">{row.configName}</th>
            {table.tasks.flatMap((t) => [
              <Cell key={t} task={t} value={row.tasks[t]?.dev} />,
              ...(table.hasTest ? [<Cell key={`${t}:test`} task={t} testId="study-test-cell" value={row.tasks[t]?.test} />] : []),
            ])}
            <Cell task="mean" value={row.devScore} />
            <td>{row.seeds.join(', ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
