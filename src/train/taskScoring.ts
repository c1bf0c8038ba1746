/**
 * Scores one task's predictions the way a researcher would report them: conlleval chunk F1 for
 * chunk-tagged tasks (IOBES converted to IOB2 first, since conlleval misreads S-/E- runs), token
 * accuracy for plain tags.
 */
import { convertTags } from '../data/index.ts';
import type { TaskSpec } from '../data/types.ts';
import { scoreSequences } from '../metrics/conlleval.ts';
import { tokenAccuracy } from '../metrics/accuracy.ts';
import type { TaskScore } from '../core/events.ts';

export function scoreTask(task: TaskSpec, gold: readonly string[][], pred: readonly string[][]): TaskScore {
  if (task.scheme === 'plain') {
    const { accuracy } = tokenAccuracy(gold, pred);
    return { task: task.name, metric: 'accuracy', value: accuracy, accuracy };
  }
  const toIob2 = (tags: readonly string[]) => (task.scheme === 'IOBES' ? convertTags(tags, 'IOBES', 'IOB2') : tags);
  const result = scoreSequences(gold.map(toIob2), pred.map(toIob2));
  return {
    task: task.name,
    metric: 'f1',
    value: result.fb1,
    precision: result.precision,
    recall: result.recall,
    accuracy: result.accuracy,
  };
}
