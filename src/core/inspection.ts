/** What the attention inspector shows of a sentence: the model's tags and β per task. Pure TypeScript. */

/** One sentence as the attention inspector shows it. */
export interface SentenceInspection {
  words: string[];
  tasks: {
    task: string;
    predicted: string[];
    gold: string[] | null;
    representations: string[];
    /** `[token][representation]`, rows sum to 1; null for fusions without attention. */
    beta: number[][] | null;
  }[];
}
