import { processIO, type Command, type CliIO } from './io.ts';

const usage = `usage: mtaa <command> [options]

commands:
  score [-d DELIM] [-o OUTSIDE] [-r] [-l]  read "... gold pred" lines on stdin, print conlleval's report
  inspect FILE [--json]                    detected columns, tag schemes, counts and tag inventories
  train --train FILE [--dev F] [--test F]  train a tagger (see mtaa train --help for every option)
  eval --model DIR --data FILE             conlleval report per task of a saved model on labelled data
                                           (--model WORKSPACE.zip --run NAME_OR_ID: a run of a workspace archive)
  predict --model DIR < in > out           append one predicted column per task to CoNLL on stdin (--run likewise)
  workspace list WORKSPACE.zip [--json]    the runs a workspace archive (the page's Export workspace) holds
  bench [--presets paper,small] [--json]   training and decoding speed (BENCHMARKS.md)
  study run|status|collect                 ablation studies: local pool or Slurm array (mtaa study --help)
  bert-features --bert DIR --data FILE --out F.safetensors   frozen BERT word features per sentence
  bert-random --out DIR [--size base]      a checkpoint folder with RANDOM weights (benchmarks)
`;

/** Commands load lazily so `mtaa score` never pays for tfjs. */
const commands: Record<string, () => Promise<Command>> = {
  score: async () => (await import('./score.ts')).scoreCommand,
  inspect: async () => (await import('./inspect.ts')).inspectCommand,
  train: async () => (await import('./train.ts')).trainCommand,
  eval: async () => (await import('./evalCommand.ts')).evalCommand,
  predict: async () => (await import('./predict.ts')).predictCommand,
  workspace: async () => (await import('./workspaceCommand.ts')).workspaceCommand,
  bench: async () => (await import('./bench.ts')).benchCommand,
  study: async () => (await import('./study.ts')).studyCommand,
  'bert-random': async () => (await import('./bertRandom.ts')).bertRandomCommand,
  'bert-features': async () => (await import('./bertFeatures.ts')).bertFeaturesCommand,
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
