import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { RunInfo, TagScheme } from '../../protocol.ts';
import { useWorkbench } from '../store.ts';
import { InspectorPanel } from './InspectorPanel.tsx';
import { TagTextPanel } from './TagTextPanel.tsx';

/**
 * The runs to choose from (start order; the latest by default) and the dataset's tag scheme per
 * task. The run list is selected shallowly, so training events (which replace `runs`) do not
 * re-render the inspector.
 */
function useInspectable(): { infos: RunInfo[]; schemes: Record<string, TagScheme> | undefined } {
  const infos = useWorkbench(useShallow((s) => s.order.flatMap((id) => (s.runs[id] ? [s.runs[id].info] : []))));
  const dataset = useWorkbench((s) => s.dataset);
  const schemes = useMemo<Record<string, TagScheme> | undefined>(
    () => (dataset ? Object.fromEntries(dataset.tasks.map((t) => [t.name, t.scheme])) : undefined),
    [dataset],
  );
  return { infos, schemes };
}

/** The attention inspector connected to the store (the Inspector view); it talks to the worker itself. */
export function InspectorView() {
  const { infos, schemes } = useInspectable();
  return <InspectorPanel runs={infos} schemes={schemes} />;
}

/** Tagging typed text with a run's model, connected to the store (the Tag text view). */
export function TagTextView() {
  const { infos, schemes } = useInspectable();
  return <TagTextPanel runs={infos} {...(schemes ? { schemes } : {})} />;
}
