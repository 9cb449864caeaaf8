#!/usr/bin/env -S tsx --conditions=source
/**
 * lossgraph bench: `validate` cross-checks every backend against the fixtures, `perf` times them
 * (with the PyTorch original when available), `report` turns their JSON into a report.
 */
import { perfProblem } from '@lossgraph/core';
import { runPerf } from './commands/perf.js';
import { runProfile } from './commands/profile.js';
import { runReport } from './commands/report.js';
import { runValidate } from './commands/validate.js';
import { DEFAULT_PERF_LOSS, PERF_LOSSES, PROBLEM_DEFAULTS } from './perf/problems.js';

/** Each loss's own `bench perf` flags, from its registry entry. */
function lossFlagLines(): string {
  return PERF_LOSSES.filter((l) => perfProblem(l).flags.length > 0)
    .map(
      (l) =>
        `       ${perfProblem(l)
          .flags.map((f) => `[--${f.flag} ${f.help}]`)
          .join(' ')} (${l})`,
    )
    .join('\n');
}

/** Each loss's default batch sizes, classes and PyTorch counterpart. */
function lossDefaultLines(): string {
  return PERF_LOSSES.map((l) => {
    const { batches, problem } = PROBLEM_DEFAULTS[l];
    const original = perfProblem(l).original;
    return `        ${l}: --batch ${batches.join(',')} --classes ${problem.classes}; beside ${original?.what ?? 'no PyTorch timer yet'}`;
  }).join('\n');
}

const USAGE = `usage: pnpm bench <command> [options]

commands:
  validate [--fixtures DIR] [--backends LIST] [--json FILE]
      run every fixture on every backend and compare with the expected values (docs/FIXTURES.md tolerances)
  perf [--loss ${PERF_LOSSES.join('|')}] [--backends LIST] [--batch LIST] [--classes N] [--json FILE]
${lossFlagLines()}
       [--repeats N] [--min-time S] [--max-time S] [--warmup N] [--pytorch auto|off] [--torch-threads N|default]
       [--timing back-to-back|loop|both (default both)] [--gap MS (20)] [--gap-kind idle|busy (idle)]
       [--validate on|off|both (default both)]
      time forward and forward+backward on synthetic inputs, beside the loss's PyTorch counterpart when
      available, back to back and with a gap before each call (a training loop), validation on and off.
      Defaults (--loss ${DEFAULT_PERF_LOSS} when none is given):
${lossDefaultLines()}
  perf --train [--backends LIST] [--batch 8] [--models fixture_ssdlite,ssdlite320] [--state host|device|auto]
       [--repeats N] [--min-time S] [--max-time S] [--warmup N] [--pytorch auto|off] [--torch-threads N|default]
       [--json FILE]
      time one training step (model forward, loss, backward, optimizer update) through a Trainer, beside
      PyTorch's loss.backward(); optimizer.step() on the same model and batch, with host<->runtime bytes per step
  profile [--loss ${PERF_LOSSES.join('|')}] [--batch N] [--classes N] [--priors ssd300|ssd512] [--runs 5]
       [--threads N] [--forward true] [--nodes N] [--gap MS] [--json FILE]
      where onnxruntime-node-cpu spends its time, by ONNX op type (onnxruntime's profiler)
  report [--validate FILE] [--perf FILE] [--loss-perf FILE,...] [--profile FILE] [--loss-profile FILE,...]
       [--train-perf FILE] [--out DIR] [--fixtures DIR]
      write reports/<date>/report.md, report.json and report.html from the JSON of validate and perf (--loss-perf,
      --loss-profile: runs of other losses; default every reports/latest-perf-<loss>.json and
      reports/latest-profile-<loss>.json there is; --train-perf: default reports/latest-perf-train.json)
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'validate':
      return runValidate(rest);
    case 'perf':
      return runPerf(rest);
    case 'report':
      return runReport(rest);
    case 'profile':
      return runProfile(rest);
    case undefined:
    case '-h':
    case '--help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`unknown command '${command}'\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
