/**
 * `mtaa workspace list WORKSPACE.zip [--json]`: the runs a workspace archive holds (the page's
 * "Export workspace"), validated whole as the page's import does: id, name, status and the
 * checkpoints `mtaa eval|predict --model WORKSPACE.zip --run NAME_OR_ID` can read.
 */
import { readFileSync } from 'node:fs';
import { CheckpointError } from '../train/formats/checkpoint.ts';
import { readWorkspaceArchive } from '../workbench/archive/workspaceArchive.ts';
import { parseArgs, UsageError } from './args.ts';
import type { Command } from './io.ts';
import { formatWorkspaceRuns } from './modelFiles.ts';

const usage = 'usage: mtaa workspace list WORKSPACE.zip [--json]\n';

export const workspaceCommand: Command = async (argv, io) => {
  try {
    const args = parseArgs(argv, { flags: ['json'] });
    const [sub, path, ...extra] = args.positionals;
    if (sub !== 'list') throw new UsageError(sub === undefined ? 'a subcommand is required' : `unknown subcommand '${sub}'`);
    if (!path || extra.length > 0) throw new UsageError('one WORKSPACE.zip is required');
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch {
      throw new UsageError(`${path}: no such file`);
    }
    const read = await readWorkspaceArchive(path, bytes);
    if (args.flags.has('json')) {
      const runs = read.contents.runs.map(({ run, checkpoints }) => ({
        runId: run.runId,
        label: run.info.label,
        status: run.status,
        dataset: run.info.datasetName,
        checkpoints: checkpoints.map((c) => ({ kind: c.kind, epoch: c.epoch, ...(c.score !== undefined ? { score: c.score } : {}) })),
      }));
      io.out(`${JSON.stringify({ runs, datasets: read.manifest.datasets.map((d) => d.name) })}\n`);
    } else {
      io.out(`${path}: ${read.contents.runs.length} run${read.contents.runs.length === 1 ? '' : 's'} (id, name, status, model)\n${formatWorkspaceRuns(read)}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`mtaa workspace: ${error.message}\n${usage}`);
      return 2;
    }
    if (error instanceof CheckpointError) {
      io.err(`mtaa workspace: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
};
