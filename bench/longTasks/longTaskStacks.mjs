/**
 * What each long main-thread task of a Chrome trace ran (issue 15, item 6): for every task over
 * `minMs` of wall time on the page's main thread, its source (`src_func`: a timer, a worker or
 * MessagePort message, a DevTools command…), wall and thread CPU, its heaviest child events
 * (FunctionCall with the function and file, EventDispatch with the event type, RunMicrotasks,
 * Layout, Paint…) and, from V8's sampling profiler, the functions its samples spent the most time in
 * (self) and under (total). The trace needs the categories `devtools.timeline`,
 * `disabled-by-default-devtools.timeline` and `disabled-by-default-v8.cpu_profiler`
 * (e2e/longTasks.spec.ts with TRACE=file.json records them).
 *
 *   node bench/longTasks/longTaskStacks.mjs /tmp/t.json [minMs=50]
 */
import { readFileSync } from 'node:fs';

const events = JSON.parse(readFileSync(process.argv[2], 'utf8')).traceEvents;
const minMs = Number(process.argv[3] ?? 50);

const threadNames = new Map();
for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args.name);
// The page's main thread: the renderer main thread with the most events.
const counts = new Map();
for (const e of events) {
  const key = `${e.pid}:${e.tid}`;
  if (threadNames.get(key) === 'CrRendererMain') counts.set(key, (counts.get(key) ?? 0) + 1);
}
const [pid, tid] = [...counts].sort((a, b) => b[1] - a[1])[0][0].split(':').map(Number);
const main = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X');

// V8's samples of the main thread: (time µs, stack of frame names leaf first).
const nodes = new Map();
const samples = [];
const profileIds = new Set(events.filter((e) => e.name === 'Profile' && e.pid === pid && e.tid === tid).map((e) => e.id));
const clock = new Map();
for (const e of events) {
  if (e.name === 'Profile' && e.pid === pid && profileIds.has(e.id)) clock.set(e.id, e.args.data.startTime);
  if (e.name !== 'ProfileChunk' || e.pid !== pid || !profileIds.has(e.id)) continue;
  const profile = e.args.data.cpuProfile ?? {};
  for (const node of profile.nodes ?? []) {
    const f = node.callFrame;
    const file = (f.url ?? '').split('/').pop();
    nodes.set(node.id, { parent: node.parent, name: `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}:${f.columnNumber + 1}` : ''}` });
  }
  const deltas = e.args.data.timeDeltas ?? [];
  let t = clock.get(e.id);
  (profile.samples ?? []).forEach((id, i) => {
    t += deltas[i] ?? 0;
    samples.push([t, id]);
  });
  clock.set(e.id, t);
}
const stackOf = (id) => {
  const names = [];
  for (let node = nodes.get(id); node; node = nodes.get(node.parent)) names.push(node.name);
  return names;
};
samples.sort((a, b) => a[0] - b[0]);

const tasks = main.filter((e) => e.name === 'ThreadControllerImpl::RunTask' && e.dur / 1000 > minMs).sort((a, b) => a.ts - b.ts);
const first = main.reduce((m, e) => Math.min(m, e.ts), Infinity);
console.log(`${tasks.length} tasks over ${minMs} ms on the main thread (pid ${pid}); ${samples.length} profiler samples`);
for (const task of tasks) {
  const end = task.ts + task.dur;
  console.log(`\n@${((task.ts - first) / 1000).toFixed(0)} ms: wall ${(task.dur / 1000).toFixed(1)} cpu ${((task.tdur ?? 0) / 1000).toFixed(1)} ms, ${task.args.src_func} (${task.args.src_file ?? ''})`);
  const children = main.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= end && e.dur >= 1000);
  for (const child of children.sort((a, b) => b.dur - a.dur).slice(0, 12)) {
    const data = child.args?.data ?? {};
    const what = data.functionName !== undefined ? `${data.functionName} ${(data.url ?? '').split('/').pop()}:${data.lineNumber}` : (data.type ?? data.name ?? '');
    console.log(`  ${child.name.padEnd(28)} wall ${(child.dur / 1000).toFixed(1).padStart(6)} cpu ${((child.tdur ?? 0) / 1000).toFixed(1).padStart(6)} ${what}`);
  }
  const inTask = samples.filter(([t]) => t >= task.ts && t <= end);
  const self = new Map();
  const total = new Map();
  for (const [, id] of inTask) {
    const stack = stackOf(id);
    self.set(stack[0], (self.get(stack[0]) ?? 0) + 1);
    for (const name of new Set(stack)) total.set(name, (total.get(name) ?? 0) + 1);
  }
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, k]) => `    ${String(k).padStart(4)}  ${name}`).join('\n');
  console.log(`  samples ${inTask.length}; self:\n${top(self, 10)}\n  total:\n${top(total, 25)}`);
}
