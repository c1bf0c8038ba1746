import { useRef, type KeyboardEvent } from 'react';
import { legendNames } from '../../core/runNames.ts';
import { LiveCharts } from '../charts/LiveCharts.tsx';
import { useWorkbench } from '../store.ts';
import { adjacentView, MAIN_VIEWS, viewTitles, type MainView } from '../store/viewSlice.ts';
import { ComparePanel } from './ComparePanel.tsx';
import { DatasetPanel } from './DatasetPanel.tsx';
import { InspectorView, TagTextView } from './InspectorViews.tsx';
import { ScoresPanel } from './ScoresPanel.tsx';
import { StudyPanel } from './StudyPanel.tsx';

/** The live curves, under the one dataset every run trained on (legends name the data when there are several). */
function CurvesView() {
  const shared = useWorkbench((s) => legendNames(s.order.flatMap((id) => (s.runs[id] ? [s.runs[id].info] : []))).shared);
  return (
    <>
      {shared !== null && (
        <p className="muted charts-dataset" data-testid="charts-dataset">
          Every run here trained on {shared}.
        </p>
      )}
      <LiveCharts />
    </>
  );
}

/** Each view's content. */
const VIEWS: Record<MainView, () => React.JSX.Element> = {
  curves: CurvesView,
  scores: ScoresPanel,
  compare: ComparePanel,
  inspector: InspectorView,
  tagText: TagTextView,
  study: StudyPanel,
  data: DatasetPanel,
};

/**
 * Views whose state is all in the store, unmounted while hidden: the comparison table reads every
 * run, so mounted it would re-render on each report of a training run (the ten-run long-task budget).
 */
const UNMOUNTED_WHEN_HIDDEN: ReadonlySet<MainView> = new Set<MainView>(['compare']);

/**
 * The main pane: a tab per view, one view shown at a time. The hidden views stay mounted (the
 * `hidden` attribute), so what a researcher typed in the inspector or chose in the study survives a
 * look at the curves, and hidden charts keep their data without laying out (width 0: no drawing).
 */
export function MainPane() {
  const view = useWorkbench((s) => s.view);
  const showView = useWorkbench((s) => s.showView);
  const tabs = useRef<Partial<Record<MainView, HTMLButtonElement | null>>>({});
  // The tab list's keyboard pattern (WAI-ARIA tabs): arrows move between tabs, Home/End to the ends.
  const onKeyDown = (event: KeyboardEvent) => {
    const next =
      event.key === 'ArrowRight' ? adjacentView(view, 1)
      : event.key === 'ArrowLeft' ? adjacentView(view, -1)
      : event.key === 'Home' ? MAIN_VIEWS[0]
      : event.key === 'End' ? MAIN_VIEWS[MAIN_VIEWS.length - 1]!
      : null;
    if (!next) return;
    event.preventDefault();
    showView(next);
    tabs.current[next]?.focus();
  };
  return (
    <main className="main-pane" data-testid="main-pane" data-view={view}>
      <div className="view-tabs" role="tablist" aria-label="Views" onKeyDown={onKeyDown}>
        {MAIN_VIEWS.map((name) => (
          <button
            key={name}
            ref={(el) => {
              tabs.current[name] = el;
            }}
            type="button"
            role="tab"
            id={`view-tab-${name}`}
            data-testid={`view-tab-${name}`}
            aria-selected={view === name}
            aria-controls={`view-${name}`}
            tabIndex={view === name ? 0 : -1}
            className={view === name ? 'view-tab active' : 'view-tab'}
            onClick={() => showView(name)}
          >
            {viewTitles[name]}
          </button>
        ))}
      </div>
      {MAIN_VIEWS.map((name) => {
        const View = VIEWS[name];
        return (
          <div key={name} className="view" role="tabpanel" id={`view-${name}`} data-testid={`view-${name}`} aria-labelledby={`view-tab-${name}`} hidden={view !== name}>
            {(view === name || !UNMOUNTED_WHEN_HIDDEN.has(name)) && <View />}
          </div>
        );
      })}
    </main>
  );
}
