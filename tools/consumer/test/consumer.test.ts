/**
 * lossgraph as a user gets it: the packages built, `pnpm pack` of every published package, the tarballs
 * installed with npm into a fresh project outside the workspace (no `source` condition anywhere), then:
 * every Node backend on the README example against the reference, the READMEs' examples compiled and run
 * as written, tsc under nodenext and bundler
 * (skipLibCheck false), require() from CommonJS, the `lossgraph` CLI, and the packages' metadata.
 * Long (about a minute on a fresh machine, most of it npm): it prints each phase with its time.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const PUBLISHED = ['core', 'onnx', 'onnxruntime-common', 'tfjs', 'onnxruntime-node', 'onnxruntime-web'] as const;
/** the packages a user installs with a backend of their choice, each README with a smallest example */
const WITH_EXAMPLE = PUBLISHED.filter((p) => p !== 'onnx' && p !== 'onnxruntime-common');
const exec = promisify(execFile);

function log(line: string): void {
  console.log(`consumer: ${line}`);
}

async function phase<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  log(`${what}…`);
  const result = await fn();
  log(`${what}: ${((performance.now() - start) / 1000).toFixed(1)} s`);
  return result;
}

/** Runs a command; a failure keeps its exit code, stdout and stderr (for the assertions and the message). */
async function run(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  return exec(cmd, [...args], { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
}

/** What a command printed and its exit code, failing or not. */
async function outcome(cmd: string, args: readonly string[], cwd: string) {
  try {
    const { stdout, stderr } = await run(cmd, args, cwd);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/** The README examples a user copies: the root README's "Example" and each package's "Smallest example". */
const SNIPPETS = [
  { name: 'root', readme: 'README.md', section: '## Example' },
  ...WITH_EXAMPLE.map((p) => ({ name: p, readme: `packages/${p}/README.md`, section: '## Smallest example' })),
];

/** Writes each README example's first ts code block to readme/<name>.ts in the project. */
function writeReadmeSnippets(app: string): void {
  mkdirSync(join(app, 'readme'));
  for (const { name, readme, section } of SNIPPETS) {
    const text = readFileSync(join(ROOT, readme), 'utf8');
    const at = text.indexOf(`\n${section}\n`);
    const code = at < 0 ? null : /```ts\n([\s\S]*?)```/.exec(text.slice(at));
    if (code === null) throw new Error(`${readme} has no ts code block under '${section}'`);
    writeFileSync(join(app, 'readme', `${name}.ts`), code[1]!);
  }
}

const manifest = (pkg: string) => JSON.parse(readFileSync(join(ROOT, 'packages', pkg, 'package.json'), 'utf8'));

describe('the published packages, installed with npm into a fresh project', () => {
  let work: string;
  let app: string;
  const started = performance.now();

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'lossgraph-consumer-'));
    app = join(work, 'app');
    const packs = join(work, 'packs');
    // only the published packages: `pnpm build` would also rebuild examples/browser-train's dist/, which
    // its own test serves meanwhile from another vitest worker
    await phase('build (published packages)', () =>
      run('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=./packages/*'], ROOT),
    );
    await phase(`pnpm pack (${PUBLISHED.length} packages)`, () =>
      Promise.all(PUBLISHED.map((p) => run('pnpm', ['pack', '--pack-destination', packs], join(ROOT, 'packages', p)))),
    );
    const tarballs = readdirSync(packs).filter((f) => f.endsWith('.tgz'));
    expect(tarballs).toHaveLength(PUBLISHED.length);
    // the runtimes at the versions this workspace tests, as a user would pick them for the peer ranges
    const tested = {
      ...manifest('tfjs').devDependencies,
      ...manifest('onnxruntime-node').devDependencies,
      ...manifest('onnxruntime-web').devDependencies,
    };
    const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const runtimes = [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      'onnxruntime-node',
      'onnxruntime-web',
    ];
    cpSync(join(ROOT, 'tools', 'consumer', 'project'), app, { recursive: true });
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify(
        {
          name: 'lossgraph-consumer',
          private: true,
          type: 'module',
          dependencies: {
            ...Object.fromEntries(
              PUBLISHED.map((p) => [
                `@lossgraph/${p}`,
                `file:../packs/${tarballs.find((t) => t.startsWith(`lossgraph-${p}-`))}`,
              ]),
            ),
            ...Object.fromEntries(runtimes.map((r) => [r, tested[r]])),
          },
          devDependencies: {
            typescript: root.devDependencies.typescript,
            '@types/node': root.devDependencies['@types/node'],
          },
        },
        null,
        2,
      ),
    );
    writeReadmeSnippets(app);
    // onnxruntime-node's install script would download the CUDA provider: skipped, as in the workspace
    await phase('npm install (tarballs and runtimes)', () =>
      run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app, { ONNXRUNTIME_NODE_INSTALL: 'skip' }),
    );
  });

  afterAll(() => {
    log(
      `whole consumer test: ${((performance.now() - started) / 1000).toFixed(1)} s (project in ${work}${process.env.LOSSGRAPH_KEEP_CONSUMER ? ', kept' : ', removed'})`,
    );
    if (work && !process.env.LOSSGRAPH_KEEP_CONSUMER) rmSync(work, { recursive: true, force: true });
  });

  it('resolves every package to its published dist/ files inside the project (no source condition)', async () => {
    const names = PUBLISHED.map((p) => `@lossgraph/${p}`).concat('@lossgraph/core/testing');
    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', `for (const n of ${JSON.stringify(names)}) console.log(import.meta.resolve(n))`],
      app,
    );
    const urls = stdout.trim().split('\n');
    expect(urls).toHaveLength(names.length);
    for (const url of urls)
      expect(url).toMatch(new RegExp(`^file://${app}/node_modules/@lossgraph/[\\w-]+/dist/[\\w/]+\\.js$`));
    expect(urls[names.indexOf('@lossgraph/onnxruntime-web')]).toMatch(/\/dist\/node\.js$/);
  });

  it('runs the README example on every Node backend, each within docs/FIXTURES.md tolerances of the reference', async () => {
    const { stdout } = await phase('README example on 5 backends', () =>
      run(process.execPath, ['readme-example.mjs'], app),
    );
    const rows = stdout
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    for (const r of rows)
      log(
        `${r.name} (${r.device}): loss_l ${r.loss_l}, loss_c ${r.loss_c}, ${r.pass ? 'agrees' : 'DIFFERS'} (max error ${JSON.stringify(r.diff)}), ${r.ms} ms`,
      );
    expect(rows.map((r) => r.backend)).toEqual([
      'reference',
      'tfjs-cpu',
      'tfjs-wasm',
      'onnxruntime-node-cpu',
      'onnxruntime-web-wasm',
    ]);
    for (const r of rows) expect(r.failures, r.name).toEqual([]);
    expect(rows[0].loss_l).toBeGreaterThan(0);
  });

  it('compiles and runs the README examples (root and each backend package) as written', async () => {
    const tsc = await phase('tsc README examples', () =>
      outcome(join(app, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.readme.json', '--pretty', 'false'], app),
    );
    expect(tsc.stdout, tsc.stdout).toBe('');
    for (const { name } of SNIPPETS) {
      const { stdout } = await run(process.execPath, [join('readme-out', `${name}.js`)], app);
      log(`README example ${name}: ${stdout.trim().split('\n').at(-1)}`);
      // each example prints the losses it computed: finite and positive for its one matched truth
      const numbers = stdout.match(/\d+\.\d+/g)?.map(Number) ?? [];
      expect(numbers.length, `${name}: ${stdout}`).toBeGreaterThanOrEqual(2);
      expect(
        numbers.every((x) => Number.isFinite(x) && x > 0),
        `${name}: ${stdout}`,
      ).toBe(true);
    }
  });

  for (const mode of ['nodenext', 'bundler'] as const) {
    it(`type-checks a TypeScript consumer under ${mode} with skipLibCheck false (misspelt feeds and outputs are type errors)`, async () => {
      const { code, stdout } = await phase(`tsc ${mode}`, () =>
        outcome(join(app, 'node_modules', '.bin', 'tsc'), ['-p', `tsconfig.${mode}.json`, '--pretty', 'false'], app),
      );
      // project/typed-io.ts holds misuses under @ts-expect-error: an uncaught one is an unused directive (TS2578)
      const errors = stdout.trim().split('\n').filter(Boolean);
      expect(errors, errors.join('\n')).toEqual([]);
      expect(code).toBe(0);
    });
  }

  it('require()s every package from CommonJS', async () => {
    const { stdout, stderr } = await run(process.execPath, ['require.cjs'], app);
    const { found, coreVersion } = JSON.parse(stdout);
    expect(Object.keys(found)).toEqual([
      '@lossgraph/core',
      '@lossgraph/core/testing',
      '@lossgraph/tfjs',
      '@lossgraph/onnx',
      '@lossgraph/onnxruntime-common',
      '@lossgraph/onnxruntime-node',
      '@lossgraph/onnxruntime-web',
    ]);
    expect(coreVersion).toBe(manifest('core').version);
    expect(stderr).not.toMatch(/Error/);
  });

  it('ships the lossgraph CLI: --version, --help, usage errors, export', async () => {
    const bin = join(app, 'node_modules', '.bin', 'lossgraph');
    expect((await outcome(bin, ['--version'], app)).stdout.trim()).toBe(manifest('onnx').version);
    const bare = await outcome(bin, [], app);
    expect(bare).toMatchObject({ code: 0, stdout: expect.stringContaining('usage: lossgraph') });
    expect(await outcome(bin, ['frobnicate'], app)).toMatchObject({
      code: 2,
      stdout: '',
      stderr: expect.stringContaining('usage: lossgraph'),
    });
    const exported = await outcome(bin, ['export', '--out', 'loss.onnx', '--num-classes', '21'], app);
    expect(exported).toMatchObject({ code: 0, stdout: expect.stringContaining('wrote loss.onnx') });
    expect(existsSync(join(app, 'loss.onnx'))).toBe(true);
  });

  it('publishes complete metadata: LICENSE, repository, engines, peer ranges, no workspace or private dependencies', () => {
    for (const p of PUBLISHED) {
      const dir = join(app, 'node_modules', '@lossgraph', p);
      const m = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      expect(readFileSync(join(dir, 'LICENSE'), 'utf8'), p).toMatch(/^MIT License/);
      expect(existsSync(join(dir, 'README.md')), p).toBe(true);
      expect(m).toMatchObject({
        license: 'MIT',
        repository: { url: expect.stringMatching(/^git\+https:/), directory: `packages/${p}` },
        homepage: expect.any(String),
        bugs: expect.any(String),
        engines: { node: '>=20.19' },
      });
      const specs = { ...m.dependencies, ...m.devDependencies, ...m.peerDependencies } as Record<string, string>;
      for (const [name, spec] of Object.entries(specs)) {
        expect(spec, `${p}: ${name}`).not.toMatch(/^workspace:/);
        expect(name, `${p}: private package ${name}`).not.toBe('@lossgraph/tsconfig');
      }
      for (const [name, spec] of Object.entries((m.peerDependencies ?? {}) as Record<string, string>))
        expect(spec, `${p}: peer ${name}`).toMatch(/^[~^]\d/);
    }
  });
});
