/** The report's "Training step" section, from the JSON of `bench perf --train` (perf/train/perf-train-json.ts). */
import type { TrainPerfJson } from '../perf/train/perf-train-json.js';
import { TRAIN_HEADER, trainTableRows } from '../perf/train/table.js';
import type { Block } from './document.js';

/** Nothing where the file has no train rows. */
export function trainBlocks(perf: TrainPerfJson): Block[] {
  if (!perf.train?.length) return [];
  const c = perf.config;
  const torch = perf.pytorch?.available
    ? `PyTorch ${perf.pytorch.version} (${perf.pytorch.threads} thread(s))`
    : `no PyTorch (${perf.pytorch?.reason ?? 'unknown reason'})`;
  const blocks: Block[] = [
    { kind: 'heading', level: 2, text: 'Training step' },
    {
      kind: 'paragraph',
      text:
        `${c.what}, batch ${c.batch}, each backend through a Trainer, beside ` +
        `\`loss.backward(); optimizer.step()\` of ${torch} on the same model, weights and batch. ` +
        `Timing: ${c.timing}. Memory: ${c.memory}. Transfers: ${c.transfer}.`,
    },
    {
      kind: 'list',
      items: (perf.models ?? []).map(
        (m) =>
          `${m.name}: ${m.title}` +
          (m.reason
            ? `; not timed: ${m.reason}`
            : `; batch ${m.batch}${m.parameters === null ? '' : `, ${m.parameters} parameters`}; ${m.source}`),
      ),
    },
    {
      kind: 'table',
      header: [...TRAIN_HEADER],
      rows: trainTableRows(perf, '×'),
      numeric: TRAIN_HEADER.map((_, i) => i === 1 || (i >= 3 && i <= 7) || i === 9),
    },
  ];
  const losses = perf.train.flatMap((r) =>
    r.first_losses
      ? [
          `${r.impl} on ${r.model}: step 0 ` +
            Object.entries(r.first_losses)
              .map(([t, v]) => `${t} ${v.got.toPrecision(6)} (PyTorch float32 ${v.pytorch.toPrecision(6)})`)
              .join(', '),
        ]
      : [],
  );
  if (losses.length)
    blocks.push(
      {
        kind: 'paragraph',
        text: 'The first step’s loss terms, as a check that every implementation trains the same model:',
      },
      { kind: 'list', items: losses },
    );
  if (perf.errors?.length)
    blocks.push(
      { kind: 'paragraph', text: 'Failed:' },
      { kind: 'list', items: perf.errors.map((e) => `${e.name} on ${e.model} batch ${e.batch}: ${e.error}`) },
    );
  const unavailable = (perf.backends ?? []).filter((b) => !b.available);
  if (unavailable.length)
    blocks.push(
      { kind: 'paragraph', text: 'Not timed:' },
      { kind: 'list', items: unavailable.map((b) => `${b.name}: ${b.reason}`) },
    );
  return blocks;
}
