/** Shared configs: the draft in a link (`?config=`) or a JSON file, checked before it is applied. */
import { checkSharedConfig } from '../../core/checkSharedConfig.ts';
import { messageOf } from '../../core/errors.ts';
import { downloadBlob } from '../download.ts';
import { parseSharedJson, readShareParam, sharedConfigJson, shareUrl, withoutShareParam, type SharedConfig } from '../shareConfig.ts';
import type { StoreKit } from './kit.ts';
import type { WorkbenchState } from './state.ts';

export interface ShareSlice {
  /** The outcome of the last shared config opened: applied (info) or refused (error, naming the field). */
  shareMessage: { kind: 'info' | 'error'; text: string } | null;
  /** The dataset a shared config was made for (compared with the loaded one on the page). */
  sharedDataset: SharedConfig['dataset'] | null;
  /** Checks a shared config (envelope already read) and makes it the draft; false when refused. */
  applySharedConfig(shared: { config: unknown; dataset?: SharedConfig['dataset'] }, source: string): boolean;
  /** Reads a config JSON file (as saved by `downloadConfig`). */
  openConfigFile(file: File): Promise<void>;
  /** Saves the draft config (and the loaded dataset's name and hash) as a JSON file. */
  downloadConfig(): void;
  /** The page's URL carrying the draft config. */
  shareLink(): string | null;
  dismissShareMessage(): void;
}

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
