/**
 * Pre-trained word vectors read from a dropped GloVe / word2vec text file, for runs started with
 * them: read in slices (progress reported, the worker answering between slices), with their
 * coverage of the loaded dataset.
 */
import { parseWordVectorsAsync, type WordVectors } from '../data/pretrainedVectors.ts';
import type { Dataset } from '../data/index.ts';
import type { VectorsInfo } from '../protocol.ts';
import { datasetCoverage } from '../train/wordVectors.ts';

/** One macrotask: lets the worker answer the page (and training runs take a batch) mid-parse. */
const breathe = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class LoadedVectors {
  private loaded: { fileName: string; vectors: WordVectors } | null = null;

  get current(): { fileName: string; vectors: WordVectors } | null {
    return this.loaded;
  }

  /** What the page shows: size, warnings and coverage of `dataset` (null: none loaded). */
  info(dataset: Dataset | null): VectorsInfo | null {
    if (!this.loaded) return null;
    const { fileName, vectors } = this.loaded;
    return { fileName, dim: vectors.dim, count: vectors.count, warnings: vectors.warnings, coverage: dataset ? datasetCoverage(vectors, dataset.sentences) : null };
  }

  /** Reads a file; on error the vectors loaded before (if any) stay. `progress` gets at most ~100 calls. */
  async load(fileName: string, bytes: Uint8Array, progress: (fraction: number) => void): Promise<void> {
    let lastSent = -1;
    try {
      const vectors = await parseWordVectorsAsync(bytes, {
        sourceName: fileName,
        onProgress: (fraction) => {
          if (fraction < 1 && fraction - lastSent < 0.01) return;
          lastSent = fraction;
          progress(fraction);
        },
        pause: breathe,
      });
      this.loaded = { fileName, vectors };
    } catch (error) {
      progress(1);
      throw error;
    }
  }

  clear(): void {
    this.loaded = null;
  }
}
