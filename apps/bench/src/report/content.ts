/** The report's text, tables and charts, as document blocks (document.ts renders them). */

import { lossEntry } from '@lossgraph/core';
import { gapText } from '../perf/gap.js';
import { type PerfJson, problemOf } from '../perf/perf-json.js';
import { problemTitle } from '../perf/problems.js';
import { CONDITION_HEADER, conditionRows, ms, perfRows, ratioText } from '../perf/table.js';
import type { ProfileJson } from '../profile/ort-profile.js';
import { TRAINING_QUANTITIES, type TrainingRow } from '../validate/training.js';
import { accuracyHeat, type LineSeries, lineChart, ratioBars } from './charts.js';
import type { Block } from './document.js';
import type { AccuracyCell, ReportData } from './model.js';
import { trainBlocks } from './train-section.js';

const MODES = [
  { key: 'forward_backward', label: 'forward+backward' },
  { key: 'forward', label: 'forward only' },
] as const;

const ratio = (x: number | null | undefined) => ratioText(x, '×');

function machineBlocks(d: ReportData): Block[] {
  const m = d.machine;
  const torch = d.perf?.pytorch;
  const rows: string[][] = [
    ['CPU', `${m.cpu} (${m.cores} logical cores)`],
    ['memory', `${m.memory_gb} GiB`],
    ['OS', m.os],
    ['Node.js', m.node],
    ...(m.load_average ? [['load average (1, 5, 15 min)', m.load_average.join(', ')]] : []),
    ...(m.glibc_tunables ? [['GLIBC_TUNABLES', m.glibc_tunables]] : []),
    ...Object.entries(m.runtimes).map(([name, v]) => [name, v ?? 'not installed']),
    [
      'PyTorch (original)',
      torch?.available
        ? `${torch.version}, ${torch.threads} thread(s)`
        : `not timed${torch?.reason ? `: ${torch.reason}` : ''}`,
    ],
  ];
  return [
    { kind: 'heading', level: 2, text: 'Machine' },
    {
      kind: 'paragraph',
      text:
        d.machine_source === 'perf run'
          ? 'As recorded by the perf run.'
          : 'The machine that wrote this report (the perf JSON records none).',
    },
    { kind: 'table', header: ['item', 'value'], rows },
    {
      kind: 'paragraph',
      text: 'Absolute times on shared machines are noisy; the speed-ups are ratios measured in one run, with every implementation taking turns in short rounds, and are the figures to compare.',
    },
  ];
}

function timeSeries(perf: PerfJson, mode: 'forward' | 'forward_backward'): LineSeries[] {
  const key = `${mode}_ms` as const;
  const backends = [...new Set(perf.results.map((r) => r.backend))];
  const series: LineSeries[] = backends.map((name) => ({
    name,
    points: perf.results.filter((r) => r.backend === name).map((r) => [r.batch, r[key].median] as const),
  }));
  if (perf.reference.length)
    series.unshift({
      name: 'pytorch',
      dashed: true,
      points: perf.reference.map((r) => [r.batch, r[key].median] as const),
    });
  return series;
}

/** How one perf run is shown: its heading, and an id prefix that keeps its charts apart from another run's. */
interface PerfSection {
  readonly heading: string;
  readonly idPrefix: string;
  /** the speed target line on the speed-up chart (MultiBoxLoss only) */
  readonly target?: { readonly value: number; readonly label: string };
}

function perfBlocks(perf: PerfJson, section: PerfSection): Block[] {
  const c = perf.config;
  const backends = [...new Set(perf.results.map((r) => r.backend))];
  const batches = [...new Set([...perf.results, ...perf.reference].map((r) => r.batch))].sort((a, b) => a - b);
  const id = (name: string) => `${section.idPrefix}${name}`;
  const blocks: Block[] = [
    { kind: 'heading', level: 2, text: section.heading },
    {
      kind: 'paragraph',
      text: `${
        c
          ? `${problemTitle(problemOf(c), c.num_priors)}, batch sizes ${c.batches.join(', ')}${c.original ? `, beside ${c.original}` : ''}; ` +
            `each cell at least ${c.min_repeats} timed runs and ${c.min_time_s} s, after ${c.warmup} warm-up runs` +
            `${c.max_time_s ? ` (fewer for implementations slower than a ${c.max_time_s} s budget per cell)` : ''}. Measured ${c.date}. `
          : ''
      }Times are medians in milliseconds.`,
    },
  ];
  // a line over batch sizes needs two of them
  if (batches.length > 1) {
    for (const m of MODES) {
      blocks.push({
        kind: 'chart',
        id: id(`time-${m.key}`),
        title: `Time per call, ${m.label} (log-log)`,
        svg: lineChart(
          id(`time-${m.key}`),
          `Time per call, ${m.label} (median, log-log)`,
          'batch size',
          'milliseconds',
          timeSeries(perf, m.key),
        ),
      });
    }
  }
  if (perf.reference.length) {
    for (const m of MODES) {
      const groups = batches.map((b) => ({
        label: `batch ${b}`,
        values: Object.fromEntries(
          perf.results
            .filter((r) => r.batch === b && r.speedup_vs_pytorch)
            .map((r) => [r.backend, r.speedup_vs_pytorch![m.key]]),
        ),
      }));
      const targets = m.key === 'forward_backward' && section.target ? [section.target] : [];
      blocks.push({
        kind: 'chart',
        id: id(`speedup-${m.key}`),
        title: `Speed-up over PyTorch, ${m.label}`,
        svg: ratioBars(
          id(`speedup-${m.key}`),
          `Speed-up over the PyTorch original, ${m.label}`,
          'PyTorch median / backend median',
          backends,
          groups,
          targets,
        ),
      });
    }
  } else {
    blocks.push({
      kind: 'note',
      text: `No PyTorch timings in this perf run (${perf.pytorch?.reason ?? 'unknown reason'}), so no speed-ups.`,
    });
  }
  const rows = perfRows(perf, '×');
  blocks.push({
    kind: 'table',
    header: [
      'implementation',
      'batch',
      'forward median',
      'forward p95',
      'fwd+bwd median',
      'fwd+bwd p95',
      'first run',
      'peak RSS (MiB)',
      'speed-up forward',
      'speed-up fwd+bwd',
    ],
    rows,
    numeric: [false, true, true, true, true, true, true, true, true, true],
  });
  if ((perf.conditions?.length ?? 0) > 0) {
    const primary = perf.config.primary;
    blocks.push(
      {
        kind: 'heading',
        level: 3,
        text: 'Timing conditions: back to back and in a training loop, validation on and off',
      },
      {
        kind: 'paragraph',
        text:
          `The table above is ${primary ? `${gapText(primary.gap)} with validation ${primary.validate ? 'on' : 'off'}` : 'one condition'}. ` +
          'Below, every condition timed in the same run (forward+backward): back to back, or with a gap before each call ' +
          'as a model step between loss calls; validation on is what `compile()` does by default. The spread is the ' +
          '5th to 95th percentile of the calls; the speed-up is over PyTorch timed with the same gap.',
      },
      {
        kind: 'table',
        header: [...CONDITION_HEADER],
        rows: conditionRows(perf, '×'),
        numeric: [false, true, false, true, false, true, true, true],
      },
    );
  }
  const transfers = perf.results.filter((r) => r.transfer_ms != null);
  if (transfers.length) {
    blocks.push(
      { kind: 'heading', level: 3, text: 'Moving tensors in and out of the page' },
      {
        kind: 'paragraph',
        text: 'Browser rows above time run() inside the page on feeds already there (what a training loop in the page pays). Moving the feeds into the page and the outputs back to Node, median ms per call, is apart:',
      },
      {
        kind: 'table',
        header: [
          'implementation',
          'batch',
          'feeds in (fwd)',
          'outputs out (fwd)',
          'feeds in (fwd+bwd)',
          'outputs out (fwd+bwd)',
        ],
        rows: transfers.map((r) => [
          r.backend,
          String(r.batch),
          ms(r.transfer_ms!.forward.in),
          ms(r.transfer_ms!.forward.out),
          ms(r.transfer_ms!.forward_backward.in),
          ms(r.transfer_ms!.forward_backward.out),
        ]),
        numeric: [false, true, true, true, true, true],
      },
    );
  }
  const fitted = (perf.slopes ?? []).filter((s) => s.forward || s.forward_backward);
  if (fitted.length) {
    blocks.push(
      { kind: 'heading', level: 3, text: 'Cost per image' },
      {
        kind: 'paragraph',
        text: 'Least-squares line through the median times over the batch sizes measured: the slope is the cost of one more image; r² near 1 means the cost grows linearly.',
      },
      {
        kind: 'table',
        header: [
          'implementation',
          'forward ms/image',
          'forward fixed ms',
          'fwd+bwd ms/image',
          'fwd+bwd fixed ms',
          'r² fwd+bwd',
        ],
        rows: fitted.map((s) => [
          s.name,
          ms(s.forward?.ms_per_image),
          ms(s.forward?.intercept_ms),
          ms(s.forward_backward?.ms_per_image),
          ms(s.forward_backward?.intercept_ms),
          s.forward_backward ? s.forward_backward.r2.toFixed(3) : '-',
        ]),
        numeric: [false, true, true, true, true, true],
      },
    );
  }
  const ran = (perf.backends ?? []).filter((b) => b.available);
  if (ran.length) {
    blocks.push(
      { kind: 'heading', level: 3, text: 'Backends' },
      {
        kind: 'table',
        header: [
          'backend',
          'runs on',
          'compile forward (ms)',
          'compile fwd+bwd (ms)',
          'RSS after compiling (MiB)',
          'notes',
        ],
        rows: ran.map((b) => [
          b.name,
          b.device ?? '-',
          ms(b.compile_ms?.forward),
          ms(b.compile_ms?.forward_backward),
          ms(b.idle_rss_mb),
          b.notes ?? '',
        ]),
        numeric: [false, false, true, true, true, false],
      },
    );
  }
  const skipped = (perf.backends ?? []).filter((b) => !b.available);
  if (skipped.length)
    blocks.push(
      { kind: 'paragraph', text: 'Not timed (unavailable here):' },
      { kind: 'list', items: skipped.map((b) => `${b.name}: ${b.reason}`) },
    );
  if (perf.skipped?.length)
    blocks.push(
      { kind: 'paragraph', text: 'Not timed at some batch sizes:' },
      { kind: 'list', items: perf.skipped.map((x) => `${x.name} at batch ${x.batch}: ${x.reason}`) },
    );
  if (perf.errors?.length)
    blocks.push(
      { kind: 'paragraph', text: 'Failed:' },
      { kind: 'list', items: perf.errors.map((e) => `${e.name} at batch ${e.batch}: ${e.error}`) },
    );
  if (c)
    blocks.push(
      { kind: 'heading', level: 3, text: 'How it was measured' },
      { kind: 'list', items: [c.timing, c.memory] },
    );
  return blocks;
}

/** One loss's accuracy: its heat chart (backends × its fixtures) and the per-backend summary. */
function lossAccuracyBlocks(loss: string, acc: NonNullable<ReportData['accuracy']>): Block[] {
  const lossCells = acc.cells.filter((c) => c.loss === loss);
  const fixtures = acc.fixtures.filter((f) => lossCells.some((c) => c.fixture === f));
  const backends = acc.backends.filter((b) => lossCells.some((c) => c.backend === b));
  const byKey = new Map(lossCells.map((c) => [`${c.backend}\u0000${c.fixture}`, c]));
  const detail = (c: AccuracyCell) =>
    `${c.backend} / ${c.fixture}: ${c.pass ? 'pass' : 'FAIL'}` +
    (c.ran && c.diff
      ? `; errors ${Object.entries(c.diff)
          .map(([k, v]) => {
            const tolerance = c.tolerance?.[k];
            const within = tolerance === undefined ? '' : ` (tolerance ${tolerance.toExponential(1)})`;
            return `${k} ${v == null ? 'not finite' : v.toExponential(2)}${within}`;
          })
          .join(', ')}`
      : '') +
    (c.error ? `; ${c.error}` : '');
  const id = `accuracy-${loss.replace(/[^a-z0-9]+/gi, '-')}`;
  const svg = accuracyHeat(
    id,
    `Accuracy (${loss}): worst error / tolerance per backend and fixture`,
    backends,
    fixtures,
    (b, f) => {
      const c = byKey.get(`${b}\u0000${f}`);
      return c && { ratio: c.ratio, pass: c.pass, error: c.ran ? null : (c.error ?? 'no result'), detail: detail(c) };
    },
  );
  const rows = backends.map((b) => {
    const cells = lossCells.filter((c) => c.backend === b);
    const passed = cells.filter((c) => c.pass).length;
    const ratios = cells.map((c) => c.ratio).filter((r): r is number => r !== null);
    const failed = cells.filter((c) => !c.pass).map((c) => c.fixture);
    return [
      b,
      `${passed} / ${cells.length}`,
      ratios.length ? ratios.reduce((a, x) => Math.max(a, x), 0).toPrecision(2) : '-',
      failed.join(', ') || '-',
    ];
  });
  return [
    { kind: 'heading', level: 3, text: `Loss: ${loss}` },
    { kind: 'chart', id, title: `Accuracy per backend and fixture (${loss})`, svg },
    {
      kind: 'table',
      header: ['backend', 'fixtures passed', 'worst error / tolerance', 'failed'],
      rows,
      numeric: [false, true, true, false],
    },
  ];
}

function accuracyBlocks(
  acc: NonNullable<ReportData['accuracy']>,
  unavailable: readonly { name: string; reason: string | null }[],
): Block[] {
  const blocks: Block[] = [
    { kind: 'heading', level: 2, text: 'Accuracy' },
    {
      kind: 'paragraph',
      text: 'Every fixture on every backend against the PyTorch float64 reference values, under the docs/FIXTURES.md tolerances (a cell passes at error / tolerance ≤ 1), grouped by the loss the fixture names.',
    },
    ...[...new Set(acc.cells.map((c) => c.loss))].flatMap((loss) => lossAccuracyBlocks(loss, acc)),
  ];
  if (unavailable.length)
    blocks.push(
      { kind: 'paragraph', text: 'Unavailable backends in the validate run:' },
      { kind: 'list', items: unavailable.map((b) => `${b.name}: ${b.reason ?? 'unavailable'}`) },
    );
  return blocks;
}

/** The training-step rows of the validate run: a line per fixture × backend, worst error / bound per quantity. */
function trainingBlocks(rows: readonly TrainingRow[]): Block[] {
  const fmt = (x: number | null | undefined) => (x == null ? '-' : x === 0 ? '0' : x.toPrecision(2));
  const failed = rows.filter((r) => !r.pass);
  return [
    { kind: 'heading', level: 2, text: 'Training steps' },
    {
      kind: 'paragraph',
      text: 'Every training-step fixture (docs/FIXTURES.md, "Training steps": a model, a batch, a loss and an optimizer, with what PyTorch computed) on every backend: the model imported from its ONNX bytes, the training step compiled by the backend and run for the steps the file names, each step fed the last one\'s outputs. Each cell is the worst error of that quantity as a fraction of its bound in the file (a row passes when every cell is ≤ 1).',
    },
    {
      kind: 'table',
      header: ['fixture', 'optimizer', 'backend', 'result', ...TRAINING_QUANTITIES, 'seconds'],
      rows: rows.map((r) => [
        r.fixture,
        r.optimizer ?? '-',
        r.backend,
        r.pass ? 'pass' : 'FAIL',
        ...TRAINING_QUANTITIES.map((q) => fmt(r.worst?.[q])),
        typeof r.seconds === 'number' ? r.seconds.toFixed(1) : '-',
      ]),
      numeric: [false, false, false, false, true, true, true, true, true, true],
    },
    ...(failed.length
      ? ([
          { kind: 'paragraph', text: 'Failed training-step rows:' },
          { kind: 'list', items: failed.map((r) => `${r.fixture} × ${r.backend}: ${r.error ?? 'failed'}`) },
        ] as Block[])
      : []),
  ];
}

function profileBlocks(p: ProfileJson): Block[] {
  const pct = (x: number) => `${((100 * x) / p.kernel_ms).toFixed(1)}%`;
  return [
    {
      kind: 'heading',
      level: 2,
      text: `Where onnxruntime-node-cpu spends its time${p.loss === undefined ? '' : ` (${p.loss})`}`,
    },
    {
      kind: 'paragraph',
      text:
        `onnxruntime's profiler, ${p.title ?? `${p.priors?.toUpperCase()}, ${p.classes} classes`}, batch ${p.batch}, ${p.mode === 'forward' ? 'forward' : 'forward+backward'}, ` +
        `${p.threads === null ? 'default' : p.threads} intra-op thread(s), ${p.runs} runs` +
        `${p.gap_ms ? `, each after ${p.gap_ms} ms idle` : ', back to back'} (${p.date}, \`${p.command}\`): ` +
        `${ms(p.kernel_ms)} ms of kernel time and ${ms(p.wall_ms)} ms wall time per run` +
        `${p.wall_runs_ms ? ` (each: ${p.wall_runs_ms.map(ms).join(', ')})` : ''}.`,
    },
    {
      kind: 'table',
      header: ['op type', 'nodes', 'ms per run', 'share'],
      rows: p.ops.map((o) => [o.opType, String(o.nodes), ms(o.ms), pct(o.ms)]),
      numeric: [false, true, true, true],
    },
    { kind: 'paragraph', text: 'The most expensive nodes:' },
    {
      kind: 'table',
      header: ['node', 'op type', 'ms per run', 'shapes'],
      rows: p.nodes.slice(0, 12).map((n) => [n.node, n.opType, ms(n.ms), n.shapes]),
      numeric: [false, false, true, false],
    },
  ];
}

/** " (<loss>: `path`, ...)." naming the other losses' perf runs, else ".". */
function lossPerfSources(d: ReportData): string {
  const notes = (d.inputs.loss_perf ?? []).filter((n) => n.status === 'read');
  if (d.loss_perf.length === 0 || notes.length !== d.loss_perf.length) return '.';
  return ` (${d.loss_perf.map((run, i) => `${problemOf(run.config).loss}: \`${notes[i]?.path}\``).join(', ')}).`;
}

export function reportBlocks(d: ReportData): Block[] {
  const blocks: Block[] = [
    { kind: 'heading', level: 1, text: `lossgraph benchmark report, ${d.date}` },
    {
      kind: 'paragraph',
      text:
        `Written ${d.generated_at} from validate results \`${d.inputs.validate.path}\` and perf results \`${d.inputs.perf.path}\`` +
        lossPerfSources(d),
    },
  ];
  for (const input of [d.inputs.validate, d.inputs.perf]) {
    if (input.status !== 'read') blocks.push({ kind: 'note', text: `${input.message}; its sections are left out.` });
  }
  blocks.push(...machineBlocks(d));
  blocks.push({ kind: 'heading', level: 2, text: 'Reproduce' }, { kind: 'code', text: d.commands.join('\n') });
  if (d.perf) {
    blocks.push(
      { kind: 'heading', level: 2, text: 'Targets' },
      {
        kind: 'paragraph',
        text:
          'At SSD300, 21 classes, batch 32, forward+backward, as a speed-up over the PyTorch original measured in the same run' +
          (d.perf.pytorch?.available
            ? ` (PyTorch with ${d.perf.pytorch.threads} thread(s) on ${d.machine.cores} cores).`
            : '.'),
      },
      {
        kind: 'table',
        header: ['target', 'wanted', 'measured', 'status'],
        rows: d.targets.map((t) => [
          t.target,
          `${t.wanted}×`,
          ratio(t.measured),
          t.status === 'not measured' ? `not measured (${t.why})` : t.status,
        ]),
        numeric: [false, true, true, false],
      },
    );
    blocks.push(
      ...perfBlocks(d.perf, {
        heading: 'Speed',
        idPrefix: '',
        target: { value: 3, label: 'target for onnxruntime-node-cpu at batch 32: 3×' },
      }),
    );
  }
  for (const run of d.loss_perf) {
    const loss = problemOf(run.config).loss;
    const beside = run.config.original ? ` beside ${run.config.original}` : '';
    blocks.push(...perfBlocks(run, { heading: `Speed: ${lossEntry(loss).title}${beside}`, idPrefix: `${loss}-` }));
  }
  if (d.train_perf) blocks.push(...trainBlocks(d.train_perf));
  if (d.profile) blocks.push(...profileBlocks(d.profile));
  for (const p of d.loss_profile ?? []) blocks.push(...profileBlocks(p));
  if (d.accuracy)
    blocks.push(
      ...accuracyBlocks(
        d.accuracy,
        (d.validate?.backends ?? []).filter((b) => !b.available),
      ),
    );
  if (d.validate?.training?.length) blocks.push(...trainingBlocks(d.validate.training));
  return blocks;
}
