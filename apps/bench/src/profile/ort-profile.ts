import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { eliminateDeadCode, type Feeds, foldConstants, type Graph } from '@lossgraph/core';
import { toOnnxModel } from '@lossgraph/onnx';

/** Kernel time per ONNX op type, summed over the profiled runs and divided by their number. */
export interface OpTypeTime {
  readonly opType: string;
  readonly ms: number;
  readonly nodes: number;
}

/** What `bench profile --json` writes (and `bench report --profile` reads). */
export interface ProfileJson {
  readonly date: string;
  readonly command: string;
  /** the loss profiled and its problem in words; absent in files from before other losses (MultiBoxLoss) */
  readonly loss?: string;
  readonly title?: string;
  readonly batch: number;
  readonly classes: number;
  /** MultiBoxLoss only: the default-box preset */
  readonly priors?: string;
  readonly mode: 'forward' | 'forward_backward';
  /** intra-op threads, null for onnxruntime's default */
  readonly threads: number | null;
  /** idle ms before each profiled run (0: back to back) */
  readonly gap_ms?: number;
  readonly runs: number;
  readonly wall_ms: number;
  /** wall time of each profiled run */
  readonly wall_runs_ms?: number[];
  readonly kernel_ms: number;
  readonly ops: OpTypeTime[];
  /** the most expensive nodes */
  readonly nodes: NodeTime[];
}

/** Kernel time of one node, with the shapes onnxruntime recorded for it. */
export interface NodeTime {
  readonly node: string;
  readonly opType: string;
  readonly ms: number;
  /** e.g. 'float[32,8732,21] -> float[32,8732,21]' */
  readonly shapes: string;
}

type TypeShape = readonly Readonly<Record<string, readonly number[]>>[];

interface ProfileEvent {
  readonly cat: string;
  readonly name: string;
  readonly dur: number;
  readonly args?: {
    readonly op_name?: string;
    readonly input_type_shape?: TypeShape;
    readonly output_type_shape?: TypeShape;
  };
}

function shapeText(ts: TypeShape | undefined): string {
  return (ts ?? [])
    .map((t) =>
      Object.entries(t)
        .map(([type, dims]) => `${type}[${dims.join(',')}]`)
        .join(''),
    )
    .join(', ');
}

/**
 * Runs `graph` on onnxruntime-node's CPU provider with its profiler on and returns where the kernel time
 * goes, by op type and by node (most expensive first), plus the wall time per run (mean, and each).
 * With `gapMs`, each profiled run follows that long an idle wait (not counted), as in a training loop.
 */
export async function profileOnnxruntimeNode(
  graph: Graph,
  feeds: Feeds,
  runs: number,
  options: { readonly threads?: number | undefined; readonly gapMs?: number } = {},
): Promise<{ wallMs: number; wallRunsMs: number[]; ops: OpTypeTime[]; nodes: NodeTime[] }> {
  const { threads, gapMs = 0 } = options;
  const ort = await import('onnxruntime-node');
  const dir = mkdtempSync(join(tmpdir(), 'lossgraph-ort-profile-'));
  try {
    const session = await ort.InferenceSession.create(toOnnxModel(eliminateDeadCode(foldConstants(graph))), {
      graphOptimizationLevel: 'all',
      enableProfiling: true,
      profileFilePrefix: join(dir, 'ort'),
      ...(threads === undefined ? {} : { intraOpNumThreads: threads }),
    });
    const ortFeeds = Object.fromEntries(
      Object.entries(feeds).map(([name, t]) => [name, new ort.Tensor(t.dtype, t.data as Float32Array, [...t.shape])]),
    );
    await session.run(ortFeeds); // warm-up: its kernel time is profiled too (perRun divides by runs + 1)
    const wallRunsMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      if (gapMs > 0) await sleep(gapMs);
      const start = performance.now();
      await session.run(ortFeeds);
      wallRunsMs.push(performance.now() - start);
    }
    const wallMs = wallRunsMs.reduce((a, b) => a + b, 0) / runs;
    session.endProfiling();
    await session.release();
    const file = readdirSync(dir).find((f) => f.endsWith('.json'));
    if (file === undefined) throw new Error(`onnxruntime wrote no profile into ${dir}`);
    const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as ProfileEvent[];
    const byType = new Map<string, { us: number; nodes: Set<string> }>();
    const byNode = new Map<string, { opType: string; us: number; shapes: string }>();
    for (const e of events) {
      if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || e.args?.op_name === undefined) continue;
      const entry = byType.get(e.args.op_name) ?? { us: 0, nodes: new Set<string>() };
      entry.us += e.dur;
      entry.nodes.add(e.name);
      byType.set(e.args.op_name, entry);
      const node = byNode.get(e.name) ?? {
        opType: e.args.op_name,
        us: 0,
        shapes: `${shapeText(e.args.input_type_shape)} -> ${shapeText(e.args.output_type_shape)}`,
      };
      node.us += e.dur;
      byNode.set(e.name, node);
    }
    const perRun = (us: number) => us / 1000 / (runs + 1);
    const ops = [...byType].map(([opType, v]) => ({ opType, ms: perRun(v.us), nodes: v.nodes.size }));
    const nodes = [...byNode].map(([name, v]) => ({
      node: name.replace(/_kernel_time$/, ''),
      opType: v.opType,
      ms: perRun(v.us),
      shapes: v.shapes,
    }));
    return { wallMs, wallRunsMs, ops: ops.sort((a, b) => b.ms - a.ms), nodes: nodes.sort((a, b) => b.ms - a.ms) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
