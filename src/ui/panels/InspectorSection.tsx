import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { TagScheme } from '../../protocol.ts';
import { useWorkbench } from '../store.ts';
import { InspectorPanel } from './InspectorPanel.tsx';
import { TagTextPanel } from './TagTextPanel.tsx';

/**
 * The attention inspector connected to the store: the runs to choose from (start order; the latest
 * by default) and the dataset's tag scheme per task. It talks to the worker itself. The run list is
 * selected shallowly, so training events (which replace `runs`) do not re-render the inspector.
 */
export function InspectorSection() {
  const infos = useWorkbench(useShallow((s) => s.order.flatMap((id) => (s.runs[id] ? [s.runs[id].info] : []))));
  const dataset = useWorkbench((s) => s.dataset);
  const schemes = useMemo<Record<string, TagScheme> | undefined>(
    () => (dataset ? Object.fromEntries(dataset.tasks.map((t) => [t.name, t.scheme])) : undefined),
    [dataset],
  );
  return (
    <>
      <InspectorPanel runs={infos} schemes={schemes} />
      <TagTextPanel runs={infos} {...(schemes ? { schemes } : {})} />
    </>
  );
}
