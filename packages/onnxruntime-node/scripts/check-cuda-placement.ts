/**
 * Runs the loss (with gradients) of loss fixtures (default: every committed one, so every registered loss and
 * its option paths) on onnxruntime-node's CUDA execution provider with profiling on, and lists the execution
 * provider of every node that ran. Exits 1 when a fixture disagrees or a node that computes a tensor ran elsewhere. onnxruntime deliberately keeps tiny shape computations
 * (Shape and the int64 [1]-sized values derived from it) on the CPU; those are listed, not failed.
 * Usage: tsx --conditions=source packages/onnxruntime-node/scripts/check-cuda-placement.ts [--provider cpu] [fixture.safetensors...]
 * (`--provider cpu` dry-runs the same check against the CPU provider, on machines without a GPU.)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  compareWithFixture,
  fixtureProgram,
  listFixtureFiles,
  loadFixture,
  repoFixturesDir,
} from '@lossgraph/core/testing';
import { toOnnxModel } from '@lossgraph/onnx';
import * as ort from 'onnxruntime-node';

/** Outputs up to this many bytes count as shape bookkeeping (e.g. an int64 [2] shape or a scalar). */
const TINY_BYTES = 64;

interface ProfileEvent {
  readonly cat: string;
  readonly name: string;
  readonly args: { readonly op_name?: string; readonly provider?: string; readonly output_size?: string };
}

const args = process.argv.slice(2);
const providerFlag = args.indexOf('--provider');
const provider = providerFlag >= 0 ? args.splice(providerFlag, 2)[1]! : 'cuda';
if (provider !== 'cuda' && provider !== 'cpu') throw new Error(`--provider must be cuda or cpu, got ${provider}`);
const expected = provider === 'cuda' ? 'CUDAExecutionProvider' : 'CPUExecutionProvider';
/** Profiles one run of `file`'s loss; true when it agrees with the fixture and every tensor ran on `expected`. */
async function checkPlacement(file: string): Promise<boolean> {
  const fx = await loadFixture(file);
  const model = toOnnxModel(fixtureProgram(fx).graph);
  const dir = mkdtempSync(join(tmpdir(), 'lossgraph-cuda-profile-'));
  const session = await ort.InferenceSession.create(model, {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    enableProfiling: true,
    profileFilePrefix: join(dir, 'profile'),
    logSeverityLevel: 1,
  });
  const feeds = Object.fromEntries(
    Object.entries(fx.inputs).map(([name, t]) => [
      name,
      new ort.Tensor(t.dtype as 'float32', t.data as Float32Array, [...t.shape]),
    ]),
  );
  const results = await session.run(feeds);
  session.endProfiling();
  await session.release();

  const outputs = Object.fromEntries(
    Object.entries(results).map(([name, t]) => [
      name,
      {
        dtype: (t.type === 'int32' ? 'int32' : 'float32') as 'float32',
        shape: [...t.dims],
        data: t.data as Float32Array,
      },
    ]),
  );
  const cmp = compareWithFixture(outputs, fx);
  console.log(`fixture ${fx.name}: ${cmp.pass ? 'pass' : `FAIL\n  ${cmp.failures.join('\n  ')}`}`);

  const profile = readdirSync(dir).find((n) => n.endsWith('.json'))!;
  const events = JSON.parse(readFileSync(join(dir, profile), 'utf8')) as ProfileEvent[];
  rmSync(dir, { recursive: true, force: true });
  const nodes = new Map<string, { op: string; provider: string; bytes: number }>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    nodes.set(e.name.replace(/_kernel_time$/, ''), {
      op: e.args.op_name ?? '?',
      provider: e.args.provider ?? '?',
      bytes: Number(e.args.output_size ?? 0),
    });
  }
  const byProvider = new Map<string, number>();
  for (const n of nodes.values()) byProvider.set(n.provider, (byProvider.get(n.provider) ?? 0) + 1);
  console.log(`nodes run: ${nodes.size} (${[...byProvider].map(([p, k]) => `${p}: ${k}`).join(', ')})`);
  const elsewhere = [...nodes].filter(([, n]) => n.provider !== expected);
  for (const [name, n] of elsewhere)
    console.log(
      `  ${n.bytes <= TINY_BYTES ? 'shape bookkeeping' : 'FALLBACK'}: ${name} (${n.op}, ${n.bytes} bytes) on ${n.provider}`,
    );
  const fallbacks = elsewhere.filter(([, n]) => n.bytes > TINY_BYTES);
  if (nodes.size === 0) console.log('no node events in the profile');
  const ok = cmp.pass && nodes.size > 0 && fallbacks.length === 0;
  console.log(ok ? `OK: every tensor computation ran on the ${expected}` : 'FAILED');
  return ok;
}

const files = args.length > 0 ? args : await listFixtureFiles(repoFixturesDir());
let failed = 0;
for (const file of files) if (!(await checkPlacement(file))) failed++;
console.log(`${files.length - failed} of ${files.length} fixtures: every tensor computation on the ${expected}`);
process.exitCode = failed === 0 ? 0 : 1;
