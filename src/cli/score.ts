/**
 * `mtaa score`: a drop-in replacement for `perl conlleval.pl`. Reads `... gold pred` lines on stdin
 * and prints conlleval's report byte for byte, taking the same options the same way (options
 * first, each one a separate argument; `-d` and `-o` take the next argument as their value).
 * Unlike perl, errors name the input line.
 */
import type { Command } from './io.ts';
import {
  ConllevalInputError,
  evaluateText,
  formatLatexReport,
  formatReport,
  type ConllevalOptions,
} from '../metrics/conlleval.ts';

const usage = `usage: mtaa score [-l] [-r] [-d DELIM] [-o OUTSIDE] < file
  reads lines "... gold guessed" (blank line between sentences), prints conlleval's report
  -l          LaTeX table output
  -r          raw tags without B-/I- prefixes (every non-outside tag is a one-token chunk)
  -d DELIM    field delimiter, a regular expression (default: a single space)
  -o OUTSIDE  outside tag in raw mode (default O)
`;

interface ScoreArgs {
  options: ConllevalOptions;
  latex: boolean;
}

/** Parses arguments as conlleval.pl's option loop does; returns an error message on bad ones. */
export function parseScoreArgs(argv: readonly string[]): ScoreArgs | { error: string } {
  const options: ConllevalOptions = {};
  let latex = false;
  let i = 0;
  while (i < argv.length && (argv[i] as string).startsWith('-')) {
    const arg = argv[i++] as string;
    if (arg === '-l') latex = true;
    else if (arg === '-r') options.raw = true;
    else if (arg === '-d' || arg === '-o') {
      const value = argv[i++];
      if (value === undefined) return { error: `${arg} requires a value` };
      if (arg === '-o') options.outsideTag = value;
      else {
        try {
          new RegExp(value);
        } catch {
          return { error: `-d: not a valid regular expression: ${value}` };
        }
        options.delimiter = value;
      }
    } else return { error: `unknown argument ${arg}` };
  }
  if (i < argv.length) return { error: `unexpected command line argument ${argv[i]}` };
  return { options, latex };
}

export const scoreCommand: Command = async (argv, io) => {
  const args = parseScoreArgs(argv);
  if ('error' in args) {
    io.err(`mtaa score: ${args.error}\n${usage}`);
    return 2;
  }
  const input = await io.readStdin();
  try {
    const result = evaluateText(input, args.options);
    io.out(args.latex ? formatLatexReport(result) : formatReport(result));
    return 0;
  } catch (error) {
    if (error instanceof ConllevalInputError) {
      io.err(`mtaa score: stdin ${error.message}\n`);
      return 1;
    }
    throw error;
  }
};
