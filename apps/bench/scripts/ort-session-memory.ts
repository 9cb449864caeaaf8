/**
 * Peak memory and speed of one onnxruntime-node-cpu compile setting on a `bench perf` problem, in this
 * process alone: run it once per setting, each in a fresh process (the kernel's high-water mark VmHWM
 * only grows), taking turns, e.g.
 *
 *   for s in '{"enableMemPattern":true}' '{}' '{"enableCpuMemArena":false}'; do
 *     flock /tmp/lossgraph-perf.lock pnpm exec tsx --conditions=source apps/bench/scripts/ort-session-memory.ts \
 *       --loss "$LOSS" --batch 8 --options "$s"
 *   done
 *
 * with LOSS any loss `bench perf --loss` takes (default: the registry's default loss). Prints one JSON line:
 * the compile options, VmHWM in MiB after the inputs exist, after compiling and after the runs (the peak), and the median of the timed runs (the first run is left out). The program is the
 * forward+backward one compiled with `validate: false`, as a training loop runs it.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_LOSS } from '@lossgraph/core';
import { compile, type OnnxRuntimeNodeOptions } from '@lossgraph/onnxruntime-node';
import { PERF_LOSSES, type PerfLoss, PROBLEM_DEFAULTS, perfFeeds, perfProgram } from '../src/perf/problems.js';
import { median } from '../src/perf/stats.js';

const { values } = parseArgs({
  options: {
    loss: { type: 'string', default: DEFAULT_LOSS },
    batch: { type: 'string', default: '8' },
    runs: { type: 'string', default: '7' },
    options: { type: 'string', default: '{}' },
  },
});
const loss = values.loss as PerfLoss;
if (!PERF_LOSSES.includes(loss)) throw new Error(`--loss must be one of ${PERF_LOSSES.join(', ')}`);
const batch = Number(values.batch);
const runs = Number(values.runs);
if (!(Number.isInteger(batch) && batch >= 1 && Number.isInteger(runs) && runs >= 2))
  throw new Error('--batch must be an integer >= 1 and --runs an integer >= 2');
const options = JSON.parse(values.options) as OnnxRuntimeNodeOptions;

/** The kernel's RSS high-water mark of this process, in MiB. */
function peakMb(): number {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  if (!match) throw new Error('no VmHWM in /proc/self/status (Linux only)');
  return Number(match[1]) / 1024;
}

const { problem } = PROBLEM_DEFAULTS[loss];
const feeds = perfFeeds(problem, batch);
const inputsMb = peakMb();
const compiled = await compile(perfProgram(problem, true), { ...options, validate: false });
const compiledMb = peakMb();
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const start = performance.now();
  await compiled.run(feeds);
  times.push(performance.now() - start);
}
await compiled.dispose();
const round = (x: number) => Math.round(x);
process.stdout.write(
  `${JSON.stringify({
    loss,
    batch,
    options,
    inputs_mb: round(inputsMb),
    compiled_mb: round(compiledMb),
    peak_mb: round(peakMb()),
    median_ms: round(median(times.slice(1))),
    times_ms: times.map(round),
  })}\n`,
);
