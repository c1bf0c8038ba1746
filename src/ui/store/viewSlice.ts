/**
 * Which view the main pane shows. The side panel (data, Start, runs, settings) is always there; the
 * main pane is one of these views at a time, chosen by its tabs. Kept in the store, not in the tab
 * bar's own state, so any panel can send the researcher to a view (e.g. a run card to its curves)
 * and browser tests can read it.
 */
import type { StoreKit } from './kit.ts';
import type { ViewSlice } from './state.ts';

/** The main pane's views, in tab order; the first is shown when the page opens. */
export const MAIN_VIEWS = ['curves', 'scores', 'compare', 'inspector', 'tagText', 'study', 'data'] as const;

export type MainView = (typeof MAIN_VIEWS)[number];

/** Each view's tab text. */
export const viewTitles: Readonly<Record<MainView, string>> = {
  curves: 'Live curves',
  scores: 'Scores',
  compare: 'Compare',
  inspector: 'Inspector',
  tagText: 'Tag text',
  study: 'Study',
  data: 'Data',
};

/** The view a name stands for (a tab's id, a link), or null when it names none. */
export function parseView(name: unknown): MainView | null {
  return typeof name === 'string' && (MAIN_VIEWS as readonly string[]).includes(name) ? (name as MainView) : null;
}

/** The view after `view` in tab order, wrapping (`delta` −1: before): the tab bar's arrow keys. */
export function adjacentView(view: MainView, delta: 1 | -1): MainView {
  const i = MAIN_VIEWS.indexOf(view);
  return MAIN_VIEWS[(i + delta + MAIN_VIEWS.length) % MAIN_VIEWS.length]!;
}

export function createViewSlice({ set }: StoreKit): ViewSlice {
  return {
    view: MAIN_VIEWS[0],
    showView(view) {
      // A name from outside (a link, a test) that names no view changes nothing.
      const known = parseView(view);
      if (known) set({ view: known });
    },
  };
}
