#!/usr/bin/env -S tsx --conditions=source
/**
 * lossgraph bench: `validate` cross-checks every backend against the fixtures, `perf` times them
 * (with the PyTorch original when available), `report` turns their JSON into a report.
 */
import { runPerf } from './commands/perf.js';
import { runProfile } from './commands/profile.js';
import { runReport } from './commands/report.js';
import { runValidate } from './commands/validate.js';

const USAGE = `usage: pnpm bench <command> [options]

commands:
  validate [--fixtures DIR] [--backends LIST] [--json FILE]
      run every fixture on every backend and compare with the expected values (docs/FIXTURES.md tolerances)
  perf [--loss multibox|retinanet|yolov8] [--backends LIST] [--batch LIST] [--classes N] [--json FILE]
       [--priors ssd300|ssd512] (multibox)  [--image-size 512] [--box-loss l1|smooth_l1|giou|diou|ciou] (retinanet)
       [--image-size 640] (yolov8)
       [--repeats N] [--min-time S] [--max-time S] [--warmup N] [--pytorch auto|off] [--torch-threads N|default]
      time forward and forward+backward on synthetic inputs, beside the original when available (the seed's
      PyTorch MultiBoxLoss; torchvision's RetinaNet loss). Defaults: multibox --batch 1,8,32 --classes 21
      --priors ssd300; retinanet --batch 8 --classes 80 --image-size 512 --box-loss l1; yolov8 --batch 16
      --classes 80 --image-size 640 (no PyTorch timer yet)
  profile [--batch 32] [--classes 21] [--priors ssd300|ssd512] [--runs 5] [--threads N] [--forward true]
      where onnxruntime-node-cpu spends its time, by ONNX op type (onnxruntime's profiler)
  report [--validate FILE] [--perf FILE] [--retinanet-perf FILE] [--profile FILE] [--out DIR] [--fixtures DIR]
      write reports/<date>/report.md, report.json and report.html from the JSON of validate and perf
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
