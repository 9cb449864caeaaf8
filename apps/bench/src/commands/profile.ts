import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseFlags, UsageError } from '../args.js';
import {
  LOSS_FLAGS,
  type PerfProblem,
  PROBLEM_DEFAULTS,
  parsePerfProblem,
  perfFeeds,
  perfProgram,
  problemTitle,
} from '../perf/problems.js';
import { type ProfileJson, profileOnnxruntimeNode } from '../profile/ort-profile.js';

const OWN_FLAGS = ['loss', 'batch', 'classes', 'runs', 'threads', 'forward', 'nodes', 'json', 'gap'] as const;

function numberFlag(f: Record<string, string>, name: string, fallback: number, min: number): number {
  const value = Number(f[name] ?? fallback);
  if (!(Number.isFinite(value) && value >= min))
    throw new UsageError(`--${name} must be a number >= ${min}, got '${f[name]}'`);
  return value;
}

/**
 * `bench profile [--loss NAME] [--batch N] [--classes C] [loss flags] [--runs 5]
 * [--threads N] [--gap MS] [--forward] [--nodes N] [--json FILE]`: where onnxruntime-node-cpu spends its
 * time on a loss's timing problem (the one `bench perf` times; default batch: the largest it times),
 * by ONNX op type, from onnxruntime's own profiler; with --gap, each profiled run follows an idle gap
 * (the training-loop timing of `bench perf`); with --nodes, also the N most expensive nodes with their
 * shapes; with --json FILE, all of it as JSON for `bench report --profile FILE`.
 */
export async function runProfile(args: string[]): Promise<number> {
  let flags: Record<string, string>;
  let problem: PerfProblem;
  let batch: number;
  let runs: number;
  let gapMs: number;
  try {
    flags = parseFlags(args, [...OWN_FLAGS, ...LOSS_FLAGS]);
    problem = parsePerfProblem(flags);
    batch = numberFlag(flags, 'batch', Math.max(...PROBLEM_DEFAULTS[problem.loss].batches), 1);
    runs = numberFlag(flags, 'runs', 5, 1);
    gapMs = numberFlag(flags, 'gap', 0, 0);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`bench profile: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const gradients = flags.forward !== 'true';
  const threads = flags.threads === undefined ? undefined : Number(flags.threads);
  const title = problemTitle(problem);
  const mode = gradients ? 'forward+backward' : 'forward';
  process.stderr.write(
    `profiling onnxruntime-node-cpu, ${title}, batch ${batch}, ${mode}, ${runs} runs${gapMs > 0 ? `, idle ${gapMs} ms before each` : ''}\n`,
  );
  const { wallMs, wallRunsMs, ops, nodes } = await profileOnnxruntimeNode(
    perfProgram(problem, gradients).graph,
    perfFeeds(problem, batch),
    runs,
    { threads, gapMs },
  );
  const total = ops.reduce((a, o) => a + o.ms, 0);
  const lines = [
    `wall time per run: ${wallMs.toFixed(2)} ms (each: ${wallRunsMs.map((t) => t.toFixed(1)).join(', ')}); kernel time per run: ${total.toFixed(2)} ms`,
    '',
    'op type              nodes  ms/run  share',
  ];
  for (const o of ops)
    lines.push(
      `${o.opType.padEnd(20)} ${String(o.nodes).padStart(5)}  ${o.ms.toFixed(2).padStart(6)}  ${((100 * o.ms) / total).toFixed(1).padStart(4)}%`,
    );
  const topNodes = Number(flags.nodes ?? 0);
  if (topNodes > 0) {
    lines.push('', 'node                 op type          ms/run  shapes');
    for (const n of nodes.slice(0, topNodes))
      lines.push(`${n.node.padEnd(20)} ${n.opType.padEnd(16)} ${n.ms.toFixed(2).padStart(6)}  ${n.shapes}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  if (flags.json !== undefined) {
    const classes = (problem as { classes?: number }).classes ?? 0;
    const priors = (problem as { priors?: string }).priors;
    const json: ProfileJson = {
      date: new Date().toISOString(),
      command: ['pnpm bench profile', ...args].join(' '),
      loss: problem.loss,
      title,
      batch,
      classes,
      ...(priors !== undefined && { priors }),
      mode: gradients ? 'forward_backward' : 'forward',
      threads: threads ?? null,
      gap_ms: gapMs,
      runs,
      wall_ms: wallMs,
      wall_runs_ms: wallRunsMs,
      kernel_ms: total,
      ops,
      nodes: nodes.slice(0, 30),
    };
    mkdirSync(dirname(flags.json), { recursive: true });
    writeFileSync(flags.json, `${JSON.stringify(json, null, 2)}\n`);
    process.stderr.write(`wrote ${flags.json}\n`);
  }
  return 0;
}
