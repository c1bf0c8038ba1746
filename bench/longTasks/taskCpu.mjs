/**
 * The page's main-thread tasks in a Chrome trace (from traceTraining.mjs), by kind: count and
 * thread-CPU percentiles (CPU, not wall time: on a loaded machine the wall time of a task is
 * mostly waiting for a core), then the N heaviest tasks with their phases (Paint, Layout…).
 *
 *   node bench/longTasks/taskCpu.mjs /tmp/t.json [N]
 */
import { readFileSync } from 'node:fs';

const events = JSON.parse(readFileSync(process.argv[2], 'utf8')).traceEvents;
const threadNames = new Map();
for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args.name);
const counts = new Map();
for (const e of events) {
  const key = `${e.pid}:${e.tid}`;
  if (threadNames.get(key) === 'CrRendererMain') counts.set(key, (counts.get(key) ?? 0) + 1);
}
const [pid, tid] = [...counts].sort((a, b) => b[1] - a[1])[0][0].split(':').map(Number);
const main = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X');
const tasks = main.filter((e) => e.name === 'ThreadControllerImpl::RunTask');
const byKind = {};
for (const t of tasks) (byKind[t.args.src_func] ??= []).push(t.tdur / 1000);
const sum = (values) => values.reduce((a, b) => a + b, 0);
for (const [kind, cpu] of Object.entries(byKind).sort((a, b) => sum(b[1]) - sum(a[1])).slice(0, 6)) {
  cpu.sort((a, b) => a - b);
  const at = (p) => cpu[Math.min(cpu.length - 1, Math.floor(cpu.length * p))].toFixed(1);
  console.log(`${kind.slice(0, 40).padEnd(41)} n ${cpu.length} cpu p50 ${at(0.5)} p90 ${at(0.9)} max ${at(1)} sum ${sum(cpu).toFixed(0)} ms`);
}
const heaviest = [...tasks].sort((a, b) => b.tdur - a.tdur).slice(0, Number(process.argv[3] ?? 8));
for (const t of heaviest) {
  const phases = {};
  for (const k of main) if (k !== t && k.ts >= t.ts && k.ts + k.dur <= t.ts + t.dur && k.tdur !== undefined) phases[k.name] = (phases[k.name] ?? 0) + k.tdur / 1000;
  const top = Object.entries(phases).sort((a, b) => b[1] - a[1]).slice(0, 7).map(([name, ms]) => `${name}=${ms.toFixed(1)}`);
  console.log(`cpu ${(t.tdur / 1000).toFixed(1)} wall ${(t.dur / 1000).toFixed(1)} ${t.args.src_func} | ${top.join(' ')}`);
}
