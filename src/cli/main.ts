import { processIO, type Command, type CliIO } from './io.ts';

const usage = `usage: mtaa <command> [options]

commands:
  score [-d DELIM] [-o OUTSIDE] [-r] [-l]  read "... gold pred" lines on stdin, print conlleval's report
  inspect FILE                         detected columns, tag schemes, counts and tag inventories
`;

/** Commands load lazily so `mtaa score` never pays for tfjs. */
const commands: Record<string, () => Promise<Command>> = {
  score: async () => (await import('./score.ts')).scoreCommand,
  inspect: async () => (await import('./inspect.ts')).inspectCommand,
};

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '-h' || name === '--help' || name === 'help') {
    io.out(usage);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    io.err(`mtaa: unknown command '${name}'\n${usage}`);
    return 2;
  }
  const command = await load();
  return command(rest, io);
}
