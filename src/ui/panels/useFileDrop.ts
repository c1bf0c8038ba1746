import { useState, type DragEvent } from 'react';

/**
 * A drop target for one file: `over` while a drag hovers it, and the handlers to spread on the
 * element. `contained`: the drop stays here (stopPropagation), e.g. a drop inside the page's drop
 * zone that must not also replace the training data.
 */
export function useFileDrop(onFile: (file: File) => void, contained = false) {
  const [over, setOver] = useState(false);
  const handlers = {
    onDragOver: (event: DragEvent<HTMLElement>) => {
      event.preventDefault();
      if (contained) event.stopPropagation();
      setOver(true);
    },
    onDragLeave: () => setOver(false),
    onDrop: (event: DragEvent<HTMLElement>) => {
      event.preventDefault();
      if (contained) event.stopPropagation();
      setOver(false);
      const file = event.dataTransfer.files[0];
      if (file) onFile(file);
    },
  };
  return { over, handlers };
}
