/**
 * Scores one task's predictions the way a researcher would report them: conlleval chunk F1 for
 * chunk-tagged tasks (IOBES converted to IOB2 first, since conlleval misreads S-/E- runs), token
 * accuracy for plain tags.
 */
import { convertTags } from '../data/index.ts';
import type { TaskSpec } from '../data/types.ts';
import { scoreSequences } from '../metrics/conlleval.ts';
import { tokenAccuracy } from '../metrics/accuracy.ts';
import { chunkBreakdown, tagBreakdown } from '../metrics/breakdown.ts';
import type { TaskBreakdown, TaskScore } from '../core/events.ts';

/** IOBES read as IOB2 (conlleval misreads S-/E- runs); other schemes as they are. */
function scorable(task: TaskSpec, tags: readonly string[]): readonly string[] {
  return task.scheme === 'IOBES' ? convertTags(tags, 'IOBES', 'IOB2') : tags;
}

export function scoreTask(task: TaskSpec, gold: readonly string[][], pred: readonly string[][]): TaskScore {
  if (task.scheme === 'plain') {
    const { accuracy } = tokenAccuracy(gold, pred);
    return { task: task.name, metric: 'accuracy', value: accuracy, accuracy };
  }
  const result = scoreSequences(gold.map((tags) => scorable(task, tags)), pred.map((tags) => scorable(task, tags)));
  return {
    task: task.name,
    metric: 'f1',
    value: result.fb1,
    precision: result.precision,
    recall: result.recall,
    accuracy: result.accuracy,
  };
}

/**
 * One task's per-type scores, confusion counts and error sentences (`sentenceIds`: each sentence's
 * index in the evaluated set), scored as `scoreTask` scores it.
 */
export function breakdownTask(task: TaskSpec, gold: readonly string[][], pred: readonly string[][], sentenceIds: readonly number[]): TaskBreakdown {
  if (task.scheme === 'plain') return { task: task.name, metric: 'accuracy', ...tagBreakdown(gold, pred, { sentenceIds }) };
  const asScored = (tags: readonly string[][]) => tags.map((t) => scorable(task, t));
  return { task: task.name, metric: 'f1', ...chunkBreakdown(asScored(gold), asScored(pred), { sentenceIds }) };
}
