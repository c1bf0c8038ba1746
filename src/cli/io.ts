/** The streams a CLI command talks to; tests pass in-memory ones. */
export interface CliIO {
  /** Reads all of standard input as UTF-8 text. */
  readStdin(): Promise<string>;
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (progress bars only then). */
  isTTY: boolean;
}

/** A command: parses its own arguments, returns the process exit code. */
export type Command = (argv: string[], io: CliIO) => Promise<number>;

export function processIO(): CliIO {
  return {
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stderr.isTTY),
  };
}
