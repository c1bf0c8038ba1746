/**
 * Why a configuration scores as it does, read from the same runs as the table (table.ts): at each
 * run's best dev epoch, the mean attention β each task puts on its own (individual) representation,
 * and each task pair's discriminator accuracy on dev, as mean ± std over the seeds. β near 1 means
 * the fusion ignores the shared encoders; a discriminator far above chance means the shared space
 * is not task-invariant for that pair. Pure data; report.ts prints it.
 */
import { bestEpochOf, meanStd, type MeanStd, type StudyRunRecord } from './table.ts';

export interface DiagnosticsRow {
  configName: string;
  /** Per task: β on the individual representation (runs whose fusion reports β). */
  individualBeta: Record<string, MeanStd>;
  /** Per pair (`NER+POS`): the discriminator's dev accuracy (0–1; chance is 0.5). */
  discriminator: Record<string, MeanStd>;
}

export interface StudyDiagnostics {
  tasks: string[];
  pairs: string[];
  /** Configurations with anything to report (base and no-TD report neither), in the runs' order. */
  rows: DiagnosticsRow[];
}

export function studyDiagnostics(records: readonly StudyRunRecord[]): StudyDiagnostics {
  const tasks: string[] = [];
  const pairs: string[] = [];
  const byConfig = new Map<string, { beta: Map<string, number[]>; disc: Map<string, number[]> }>();
  const push = (map: Map<string, number[]>, key: string, value: number) => map.set(key, [...(map.get(key) ?? []), value]);
  for (const run of records) {
    const best = bestEpochOf(run);
    // After a resume an epoch may come twice: the later report stands, as in the table.
    const epoch = best ? run.epochs.findLast((e) => e.epoch === best.epoch) : undefined;
    if (!epoch) continue;
    if (!byConfig.has(run.configName)) byConfig.set(run.configName, { beta: new Map(), disc: new Map() });
    const entry = byConfig.get(run.configName)!;
    for (const a of epoch.dev.attention ?? []) {
      const i = a.representations.indexOf('individual');
      if (i < 0 || a.mean[i] === undefined) continue;
      if (!tasks.includes(a.task)) tasks.push(a.task);
      push(entry.beta, a.task, a.mean[i]);
    }
    for (const d of epoch.dev.discriminatorAccuracy ?? []) {
      if (!pairs.includes(d.pair)) pairs.push(d.pair);
      push(entry.disc, d.pair, d.accuracy);
    }
  }
  const rows: DiagnosticsRow[] = [];
  for (const [configName, { beta, disc }] of byConfig) {
    if (beta.size === 0 && disc.size === 0) continue;
    rows.push({
      configName,
      individualBeta: Object.fromEntries([...beta].map(([task, values]) => [task, meanStd(values)])),
      discriminator: Object.fromEntries([...disc].map(([pair, values]) => [pair, meanStd(values)])),
    });
  }
  return { tasks, pairs, rows };
}
