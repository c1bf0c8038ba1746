/**
 * The text of anything thrown: an Error's message, else the value as a string. Worker answers,
 * file readers and comlink all throw this way; every banner and record shows this one text.
 */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
