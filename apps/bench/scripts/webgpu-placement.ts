/**
 * Where onnxruntime-web's WebGPU provider places each node of the loss models: loads every model into
 * onnxruntime-web 1.30's WebGPU build in headless Chromium (SwiftShader) with verbose logging and prints
 * the nodes ORT put on the CPU, with its "webgpu kernel not found" reasons. This is how the types of
 * packages/onnxruntime-web/data/webgpu-kernels-1.30.json were measured.
 *
 *   pnpm --filter @lossgraph/bench exec tsx --conditions=source scripts/webgpu-placement.ts [--provider wasm] [NAME...]
 *
 * `--provider` picks the emission (default webgpu; wasm shows the default model's gaps); NAMEs filter the
 * models: for every registered loss `<loss>` (with gradients and every extra output), `<loss>-none` (normalize
 * 'none') and `<loss>-<choice>` for each choice of its choice-valued options (e.g. a box loss); and for every
 * committed training-step fixture `<fixture>:step` (model + loss + optimizer, gradients on) and `<fixture>:eval`
 * (the model in eval mode). Exit 1 when any node is on the CPU.
 */

import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Graph, LOSS_NAMES, lossEntry } from '@lossgraph/core';
import {
  listTrainingFixtureFiles,
  loadTrainingFixture,
  repoFixturesDir,
  trainingFixtureGraphs,
} from '@lossgraph/core/testing';
import { importOnnx, type OnnxProvider, toOnnxModel } from '@lossgraph/onnx';
import { CHROMIUM_ARGS, launchChromium } from '@lossgraph-tools/testing/chromium';

/** Whether a loss's option rules accept `options` (an option it lacks is rejected). */
function accepts(resolve: (options: object) => object, options: object): boolean {
  try {
    resolve(options);
    return true;
  } catch {
    return false;
  }
}

/** The loss models of every registry entry, by name: its option variants from its `lossgraph export` flags. */
const MODELS: Readonly<Record<string, () => Graph>> = Object.fromEntries(
  LOSS_NAMES.flatMap((name) => {
    const { program, cli, resolveOptions } = lossEntry(name);
    const model = (options: object) => () => program(options).graph;
    return [
      [name, model({ gradients: true, outputs: cli.extraOutputs })],
      ...(accepts(resolveOptions, { normalize: 'none' }) ? [[`${name}-none`, model({ normalize: 'none' })]] : []),
      ...cli.flags.flatMap((f) =>
        f.kind === 'choice' ? (f.choices ?? []).map((c) => [`${name}-${c}`, model({ [f.option]: c })]) : [],
      ),
    ];
  }),
);

/** The training step and eval model of every committed training-step fixture, by `<fixture>:step|eval`. */
const TRAINING_MODELS: Readonly<Record<string, () => Graph>> = Object.fromEntries(
  await Promise.all(
    (await listTrainingFixtureFiles(repoFixturesDir())).map(async (file) => {
      const fx = await loadTrainingFixture(file);
      const graphs = trainingFixtureGraphs(fx, importOnnx(fx.modelOnnx));
      const name = basename(file, '.safetensors');
      return [
        [`${name}:step`, () => graphs.step],
        [`${name}:eval`, () => graphs.eval],
      ] as const;
    }),
  ).then((pairs) => pairs.flat()),
);

const PAGE = `<!doctype html><script type="module">
import * as ort from '/ort/ort.webgpu.bundle.min.mjs';
ort.env.wasm.numThreads = 1;
const bytes = new Uint8Array(await (await fetch('/model.onnx')).arrayBuffer());
try {
  await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'], logSeverityLevel: 0, logVerbosityLevel: 0 });
  console.log('session: created');
} catch (e) {
  console.log('session: failed: ' + e);
}
console.log('probe: done');
</script>`;

/** Names of the nodes ORT placed on the CPU provider, read off its "Node placements" log. */
function cpuNodes(lines: readonly string[]): string[] {
  const out: string[] = [];
  let onCpu = false;
  for (const line of lines) {
    if (/placed on \[/.test(line)) onCpu = /placed on \[CPUExecutionProvider\]/.test(line);
    else if (onCpu && /^\s+\S+ \(.*\)$/.test(line.replace(/^.*VerifyEachNodeIsAssignedToAnEp\]/, ''))) {
      out.push(line.replace(/^.*VerifyEachNodeIsAssignedToAnEp\]\s*/, '').trim());
    }
  }
  return out;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: { provider: { type: 'string' } }, allowPositionals: true });
  const provider = (values.provider ?? 'webgpu') as OnnxProvider;
  const models = { ...MODELS, ...TRAINING_MODELS };
  const names = positionals.length > 0 ? positionals : Object.keys(models);
  const dist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
  let model: Uint8Array = new Uint8Array();
  const server = createServer(async (req, res) => {
    const url = req.url ?? '/';
    if (url === '/') return void res.setHeader('content-type', 'text/html').end(PAGE);
    if (url === '/model.onnx') return void res.end(model);
    if (url.startsWith('/ort/') && !url.includes('..')) {
      try {
        const body = await readFile(join(dist, url.slice('/ort/'.length)));
        res.setHeader('content-type', url.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
        return void res.end(body);
      } catch {}
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const browser = await launchChromium(60_000);
  let failures = 0;
  try {
    for (const name of names) {
      const graph = models[name];
      if (graph === undefined) throw new Error(`unknown model '${name}' (${Object.keys(models).join(', ')})`);
      model = toOnnxModel(graph(), { provider });
      const page = await browser.newPage();
      const lines: string[] = [];
      const done = new Promise<void>((resolve) =>
        page.on('console', (m: { text(): string }) => {
          lines.push(...m.text().split('\n'));
          if (m.text() === 'probe: done') resolve();
        }),
      );
      await page.goto(`http://127.0.0.1:${port}/`);
      await done;
      await page.close();
      const onCpu = cpuNodes(lines);
      const session = lines.find((l) => l.startsWith('session: ')) ?? 'session: ?';
      const missing = new Set(
        lines.flatMap((l) => /kernel not found in registries for Op type: (.*)$/.exec(l)?.slice(1) ?? []),
      );
      console.log(`${name} (${provider} model): ${session}; ${onCpu.length} node(s) on the CPU`);
      for (const m of missing) console.log(`  no WebGPU kernel: ${m}`);
      if (onCpu.length > 0 || session !== 'session: created') failures++;
    }
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`(Chromium flags: ${CHROMIUM_ARGS.join(' ')})`);
  return failures > 0 ? 1 : 0;
}

process.exitCode = await main();
