/**
 * Finds the node whose WebGPU value is wrong: runs a graph on onnxruntime-web 1.30's WebGPU provider in headless
 * Chromium with every node output exposed as a graph output, then checks each node on its own: the float64
 * reference kernel of the node, fed the values WebGPU computed for its inputs, against the value WebGPU computed
 * for its output. The first nodes that disagree are the ones to look at (later ones may only inherit the error).
 *
 *   flock /tmp/lossgraph-browser.lock pnpm --filter @lossgraph/bench exec tsx --conditions=source \
 *     scripts/webgpu-bisect.ts [--backend NAME] [--limit K] (case:NAME | fixture:NAME)...
 *
 * `case:NAME` checks an op case of core's OP_CASES (forward and VJP graphs, the conformance feeds);
 * `fixture:NAME` the program and inputs of fixtures/NAME.safetensors. Exit 1 when any node disagrees.
 */

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bindSymbols, type Graph, type HostTensor, OPS } from '@lossgraph/core';
import {
  caseFeeds,
  caseGraphs,
  fixtureFeeds,
  fixtureProgram,
  loadFixture,
  OP_CASES,
  repoFixturesDir,
} from '@lossgraph/core/testing';
import { allBackends, type BenchBackend } from '@lossgraph-tools/testing';

type Tensor = { readonly dtype: string; readonly shape: readonly number[]; readonly data: ArrayLike<number> };

/** `graph` with every node output (that is not one already) as an output named v<id>. */
function exposeAll(graph: Graph): Graph {
  const named = new Set(graph.outputs.map((o) => o.value));
  const extra = graph.nodes.flatMap((n) =>
    n.outputs.filter((v) => !named.has(v)).map((v) => ({ name: `v${v}`, value: v })),
  );
  return { ...graph, outputs: [...graph.outputs, ...extra] };
}

/** The worst element of got against want: relative to max(1, max |want|) for floats, exact otherwise. */
function worst(got: Tensor, want: Tensor): { index: number; got: number; want: number; err: number } | null {
  if (got.data.length !== want.data.length) return { index: -1, got: got.data.length, want: want.data.length, err: 1 };
  let scale = 1;
  for (let i = 0; i < want.data.length; i++) scale = Math.max(scale, Math.abs(Number(want.data[i])));
  let out: { index: number; got: number; want: number; err: number } | null = null;
  for (let i = 0; i < want.data.length; i++) {
    const g = Number(got.data[i]);
    const w = Number(want.data[i]);
    if (Number.isNaN(g) && Number.isNaN(w)) continue;
    const err = want.dtype === 'float32' ? Math.abs(g - w) / scale : g === w ? 0 : 1;
    if (Number.isNaN(err) || err > (out?.err ?? 0))
      out = { index: i, got: g, want: w, err: Number.isNaN(err) ? 1 : err };
  }
  return out;
}

export async function check(
  label: string,
  graph: Graph,
  feeds: Record<string, HostTensor>,
  limit: number,
  b: BenchBackend,
) {
  const exposed = exposeAll(graph);
  const compiled = await b.compile({ graph: exposed });
  const got = await compiled.run(feeds);
  await compiled.dispose();
  const env = bindSymbols(graph, feeds);
  const value = (id: number): Tensor => {
    const input = graph.inputs.includes(id) ? feeds[graph.values[id]?.name ?? ''] : undefined;
    const out = exposed.outputs.find((o) => o.value === id);
    const t = input ?? (out === undefined ? undefined : got[out.name]);
    if (t === undefined) throw new Error(`value ${id} missing`);
    return t;
  };
  let bad = 0;
  for (const [k, node] of graph.nodes.entries()) {
    const ins = node.inputs.map((id) => {
      const t = value(id);
      const dtype = graph.values[id]?.dtype ?? 'float32';
      const data =
        dtype === 'float32'
          ? Float64Array.from(t.data)
          : dtype === 'int32'
            ? Int32Array.from(t.data)
            : Uint8Array.from(t.data);
      return { dtype, shape: [...t.shape], data };
    });
    let want: Tensor[];
    try {
      want = OPS[node.op].kernel(ins as never, node.attrs as never, env) as Tensor[];
    } catch (e) {
      console.log(`${label}: node ${k} ${node.op}: reference kernel failed: ${e instanceof Error ? e.message : e}`);
      continue;
    }
    for (const [j, id] of node.outputs.entries()) {
      const w = want[j];
      if (w === undefined) continue;
      const res = worst(value(id), w);
      if (res === null || res.err <= 1e-4) continue;
      bad++;
      if (bad <= limit) {
        const shapes = node.inputs.map((i) => `[${value(i).shape}]`).join(' ');
        console.log(
          `${label}: node ${k} ${node.op} ${JSON.stringify(node.attrs)} inputs ${shapes} -> v${id} [${w.shape}]: ` +
            `[${res.index}] webgpu ${res.got}, reference on its inputs ${res.want}`,
        );
      }
    }
  }
  console.log(`${label}: ${graph.nodes.length} nodes, ${bad} disagree`);
  return bad;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { backend: { type: 'string' }, limit: { type: 'string' } },
    allowPositionals: true,
  });
  const name = values.backend ?? 'browser-onnxruntime-web-webgpu';
  const backend = allBackends().find((x) => x.name === name);
  if (backend === undefined) throw new Error(`no backend ${name}`);
  const limit = Number(values.limit ?? 20);
  let bad = 0;
  try {
    for (const target of positionals) {
      if (target.startsWith('case:')) {
        const c = OP_CASES.find((x) => x.name === target.slice(5));
        if (c === undefined) throw new Error(`no op case ${target}`);
        const { forward, backward } = caseGraphs(c);
        for (const [part, g] of [
          ['forward', forward],
          ['backward', backward],
        ] as const) {
          if (g !== undefined) bad += await check(`${target} ${part}`, g, caseFeeds(c, g), limit, backend);
        }
      } else if (target.startsWith('fixture:')) {
        const fx = await loadFixture(join(repoFixturesDir(), `${target.slice(8)}.safetensors`));
        const { graph } = fixtureProgram(fx);
        bad += await check(target, graph, fixtureFeeds(fx) as Record<string, HostTensor>, limit, backend);
      } else throw new Error(`unknown target ${target} (case:NAME or fixture:NAME)`);
    }
  } finally {
    await backend.close?.();
  }
  return bad > 0 ? 1 : 0;
}

// a module of its own when imported (scratch experiments reuse `check`)
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  process.exitCode = await main();
