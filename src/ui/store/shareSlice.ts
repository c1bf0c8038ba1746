/** Shared configs: the draft in a link (`?config=`) or a JSON file, checked before it is applied. */
import { checkSharedConfig } from '../../core/checkSharedConfig.ts';
import { messageOf } from '../../core/errors.ts';
import { downloadBlob } from '../download.ts';
import { parseSharedJson, readShareParam, sharedConfigJson, shareUrl, withoutShareParam, type SharedConfig } from '../shareConfig.ts';
import type { StoreKit } from './kit.ts';
import type { ShareSlice, WorkbenchState } from './state.ts';


/** The draft and the loaded dataset's name and hash, as shared. */
function sharedOf({ draft, dataset }: WorkbenchState): SharedConfig {
  return { config: draft, ...(dataset ? { dataset: { name: dataset.name, ...(dataset.hash ? { hash: dataset.hash } : {}) } } : {}) };
}

/** A config shared through the page's URL (`?config=`) becomes the draft. */
export function applyShareParam({ set, get }: StoreKit): void {
  const location = globalThis.location;
  if (!location) return;
  let shared: ReturnType<typeof readShareParam>;
  try {
    shared = readShareParam(location.search);
  } catch (error) {
    set({ shareMessage: { kind: 'error', text: messageOf(error) } });
    return;
  }
  if (!shared) return;
  if (get().applySharedConfig(shared, 'the link')) {
    // Applied: a reload should not undo later edits by applying the link again.
    globalThis.history?.replaceState(null, '', withoutShareParam(location.href));
  }
}

export function createShareSlice({ set, get }: StoreKit): ShareSlice {
  return {
    shareMessage: null,
    sharedDataset: null,

    applySharedConfig(shared, source) {
      const checked = checkSharedConfig(shared.config);
      if (!checked.ok) {
        set({ shareMessage: { kind: 'error', text: `${source}: ${checked.message}; the settings were not changed.` } });
        return false;
      }
      set({
        draft: checked.config,
        sharedDataset: shared.dataset ?? null,
        shareMessage: { kind: 'info', text: `Settings restored from ${source}.` },
      });
      return true;
    },

    async openConfigFile(file) {
      try {
        const shared = parseSharedJson(await file.text(), file.name);
        get().applySharedConfig(shared, file.name);
      } catch (error) {
        set({ shareMessage: { kind: 'error', text: `${messageOf(error)}; the settings were not changed.` } });
      }
    },

    downloadConfig() {
      const shared = sharedOf(get());
      downloadBlob('mtaa-config.json', new Blob([sharedConfigJson(shared)], { type: 'application/json' }));
    },

    shareLink() {
      if (!globalThis.location) return null;
      return shareUrl(globalThis.location.href, sharedOf(get()));
    },

    dismissShareMessage() {
      set({ shareMessage: null });
    },
  };
}
