import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { multiboxLossProgram, PRIOR_PRESETS, type PriorPreset, syntheticMultiboxFeeds } from '@lossgraph/core';
import { parseFlags, UsageError } from '../args.js';
import { type ProfileJson, profileOnnxruntimeNode } from '../profile/ort-profile.js';

/**
 * `bench profile [--batch 32] [--classes 21] [--priors ssd300|ssd512] [--runs 5] [--threads N] [--forward] [--nodes N]`:
 * where onnxruntime-node-cpu spends its time on the MultiBoxLoss graph, by ONNX op type, from
 * onnxruntime's own profiler; with --nodes, also the N most expensive nodes with their shapes; with
 * --json FILE, all of it as JSON for `bench report --profile FILE`.
 */
export async function runProfile(args: string[]): Promise<number> {
  let flags: Record<string, string>;
  try {
    flags = parseFlags(args, ['batch', 'classes', 'priors', 'runs', 'threads', 'forward', 'nodes', 'json']);
    if (flags.priors !== undefined && !(flags.priors in PRIOR_PRESETS))
      throw new UsageError(`--priors must be ssd300 or ssd512, got '${flags.priors}'`);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`bench profile: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const shape = {
    batch: Number(flags.batch ?? 32),
    classes: Number(flags.classes ?? 21),
    priors: (flags.priors ?? 'ssd300') as PriorPreset,
  };
  const runs = Number(flags.runs ?? 5);
  const gradients = flags.forward !== 'true';
  const program = multiboxLossProgram({ gradients });
  const graph = program.graph;
  const feeds = syntheticMultiboxFeeds(shape);
  process.stderr.write(
    `profiling onnxruntime-node-cpu, ${shape.priors} batch ${shape.batch}, ${shape.classes} classes, ${gradients ? 'forward+backward' : 'forward'}, ${runs} runs\n`,
  );
  const { wallMs, ops, nodes } = await profileOnnxruntimeNode(
    graph,
    feeds,
    runs,
    flags.threads === undefined ? undefined : Number(flags.threads),
  );
  const total = ops.reduce((a, o) => a + o.ms, 0);
  const lines = [
    `wall time per run: ${wallMs.toFixed(2)} ms; kernel time per run: ${total.toFixed(2)} ms`,
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
    const json: ProfileJson = {
      date: new Date().toISOString(),
      command: ['pnpm bench profile', ...args].join(' '),
      ...shape,
      mode: gradients ? 'forward_backward' : 'forward',
      threads: flags.threads === undefined ? null : Number(flags.threads),
      runs,
      wall_ms: wallMs,
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
