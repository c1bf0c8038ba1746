/** A model file that cannot be used, naming the file and the entry (weight name or field) at fault. */
export class CheckpointError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${file}: ${field}: ${problem}`);
    this.name = 'CheckpointError';
  }
}
