import { describe, expect, it } from 'vitest';
import { arrayRanges, shellQuote, slurmScript } from './slurmScript.ts';

describe('Slurm array script', () => {
  it('compresses run indices into array ranges', () => {
    expect(arrayRanges([5, 0, 1, 2, 3, 7, 8])).toBe('0-3,5,7-8');
    expect(arrayRanges([4])).toBe('4');
  });

  it('writes one array task per unfinished run with the requested resources', () => {
    const script = slurmScript({
      dir: '/scratch/s', repo: '/home/me/mtaa', node: '/usr/bin/node', indices: [0, 1, 2, 4], jobName: 'mtaa-paper',
      partition: 'gpu', time: '1-00:00:00', cpus: 4, gres: 'gpu:1', backend: 'webgpu', parallel: 8,
    });
    const directives = script.split('\n').filter((l) => l.startsWith('#SBATCH '));
    expect(directives).toEqual([
      '#SBATCH --job-name=mtaa-paper', '#SBATCH --array=0-2,4%8', '#SBATCH --ntasks=1', '#SBATCH --cpus-per-task=4',
      '#SBATCH --time=1-00:00:00', '#SBATCH --partition=gpu', '#SBATCH --gres=gpu:1', '#SBATCH --output=/scratch/s/slurm/%A_%a.out',
    ]);
    expect(script).toContain('study run-one /scratch/s --index "$SLURM_ARRAY_TASK_ID" --threads "${SLURM_CPUS_PER_TASK:-4}" --backend webgpu');
    expect(() => slurmScript({ dir: '/s', repo: '/r', node: 'node', indices: [], jobName: 'x', cpus: 1 })).toThrow(/every run of the study has finished/);
  });

  it('quotes words with spaces for bash', () => {
    expect(shellQuote("/a b/it's")).toBe(`'/a b/it'\\''s'`);
  });
});
