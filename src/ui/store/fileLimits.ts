/** The size at which we refuse a file before even reading it (the data layer checks again). */
export const MAX_FILE_BYTES = 200 * 1024 * 1024;

/** Vectors files are read in the worker, slice by slice; past this, memory is the limit, not speed. */
export const MAX_VECTORS_BYTES = 2 * 1024 * 1024 * 1024;

/** Why `file` is refused unread (data, test and model files), or null when its size is fine. */
export function tooLargeMessage(file: File): string | null {
  if (file.size <= MAX_FILE_BYTES) return null;
  return `${file.name}: the file is ${(file.size / 1e6).toFixed(1)} MB; the limit is ${MAX_FILE_BYTES / 1e6} MB`;
}

/** Workspace archives: the worker's limit (512 MiB, as for a model archive), checked before reading. */
export const MAX_WORKSPACE_BYTES = 512 * 1024 * 1024;
