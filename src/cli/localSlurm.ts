/**
 * A one-node Slurm cluster on localhost, for the tests of `mtaa study --slurm`: Debian's `munge` and
 * `slurm-wlm` (`.ci/run` installs them), a fresh munge key and a minimal slurm.conf in a temporary
 * folder, free ports, and munged, slurmctld and slurmd started as the current user. `stop` ends the
 * three daemons by their pid files. A daemon that does not come up throws with its log, so a test
 * on it fails rather than skips.
 */
import { messageOf } from '../core/errors.ts';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface LocalSlurm {
  dir: string;
  /** The environment for sbatch, squeue… (`SLURM_CONF`). */
  env: NodeJS.ProcessEnv;
  /** Every daemon's log so far, for a failure message. */
  logs(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** The daemons live in /usr/sbin, which a non-root user's PATH often lacks. */
const daemon = (name: string) => (existsSync(`/usr/sbin/${name}`) ? `/usr/sbin/${name}` : name);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readLog(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').slice(-40).join('\n') : '(no log)';
}

/** Runs a daemon that forks into the background; throws with its output and log when it exits non-zero. */
function startDaemon(command: string, args: string[], env: NodeJS.ProcessEnv, log: string): void {
  const r = spawnSync(command, args, { env, encoding: 'utf8', timeout: 30_000 });
  if (r.error || r.status !== 0) {
    throw new Error(`${command} did not start (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}${r.stderr}\n--- ${log}:\n${readLog(log)}`);
  }
}

export async function startLocalSlurm(opts: { cpus?: number } = {}): Promise<LocalSlurm> {
  const dir = mkdtempSync(join(tmpdir(), 'mtaa-slurm-'));
  chmodSync(dir, 0o755); // munged refuses a socket folder others cannot traverse only with a warning; slurmd needs it readable
  for (const sub of ['munge', 'state', 'spool', 'log']) mkdirSync(join(dir, sub), { mode: 0o700 });
  const key = join(dir, 'munge', 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o600 });
  const socket = join(dir, 'munge', 'munge.socket');
  const user = userInfo().username;
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const conf = join(dir, 'slurm.conf');
  const log = (name: string) => join(dir, 'log', `${name}.log`);
  writeFileSync(
    conf,
    [
      'ClusterName=mtaa-test',
      'SlurmctldHost=localhost',
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      'AuthType=auth/munge',
      `AuthInfo=socket=${socket}`,
      'CredType=cred/munge',
      `SlurmUser=${user}`,
      `SlurmdUser=${user}`,
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${log('slurmctld')}`,
      `SlurmdLogFile=${log('slurmd')}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'MpiDefault=none',
      'ReturnToService=2',
      `NodeName=localhost CPUs=${opts.cpus ?? 2} State=UNKNOWN`,
      'PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'),
  );
  const env = { ...process.env, SLURM_CONF: conf };
  const pidFiles = [join(dir, 'slurmd.pid'), join(dir, 'slurmctld.pid'), join(dir, 'munge', 'munged.pid')];
  const logs = () => ['munged', 'slurmctld', 'slurmd'].map((n) => `--- ${n}.log:\n${readLog(log(n))}`).join('\n');
  const stop = async () => {
    for (const file of pidFiles) {
      if (!existsSync(file)) continue;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (!Number.isInteger(pid) || pid <= 0) continue;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        continue; // already gone
      }
      for (let i = 0; i < 50; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          break;
        }
        await sleep(100);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    startDaemon(
      daemon('munged'),
      ['--force', `--key-file=${key}`, `--socket=${socket}`, `--pid-file=${pidFiles[2]}`, `--log-file=${log('munged')}`, `--seed-file=${join(dir, 'munge', 'seed')}`],
      env,
      log('munged'),
    );
    startDaemon(daemon('slurmctld'), ['-f', conf], env, log('slurmctld'));
    startDaemon(daemon('slurmd'), ['-f', conf], env, log('slurmd'));
    // The node registers with the controller within a few seconds: wait until sinfo lists it idle.
    for (let i = 0; ; i++) {
      const r = spawnSync('sinfo', ['-h', '-N', '-o', '%T'], { env, encoding: 'utf8' });
      if (r.status === 0 && /idle|mixed|allocated/.test(r.stdout)) break;
      if (i >= 60) throw new Error(`the Slurm node did not become idle in 30 s (sinfo: ${r.stdout.trim() || r.stderr.trim()})\n${logs()}`);
      await sleep(500);
    }
  } catch (error) {
    const message = messageOf(error);
    const daemonLogs = message.includes('--- slurmd.log') ? '' : logs(); // read before stop() removes the folder
    await stop();
    throw new Error(`the local Slurm cluster did not start: ${message}\n${daemonLogs}`);
  }
  return { dir, env, logs, stop };
}
