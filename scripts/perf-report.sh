#!/usr/bin/env bash
# One quiet run of everything a dated benchmark report needs, under the perf lock (other timings wait):
# validate (every fixture on every backend), `bench perf` for the MultiBoxLoss, RetinaNet and YOLOv8 losses in
# every timing condition (back to back and a training-loop gap before each call, validation on and off,
# peak memory), one training step beside PyTorch (`perf --train`), onnxruntime's profile of the MultiBoxLoss and
# RetinaNet losses, then `bench report` into reports/<date>/.
#   bash scripts/perf-report.sh                    # all of it
#   bash scripts/perf-report.sh --skip-validate    # reuse reports/latest-validate.json
# Environment: MULTIBOX_BACKENDS, RETINANET_BACKENDS, YOLOV8_BACKENDS, TRAIN_BACKENDS, VALIDATE_BACKENDS (bench backend
# lists), MULTIBOX_BATCHES (default 1,8,32), GAP_MS (default 20), GAP_KIND (idle or busy, default idle).
# A failed validate row does not stop the timings; the report shows it.
set -euo pipefail
cd "$(dirname "$0")/.."

skip_validate=0
for arg in "$@"; do
  case "$arg" in
    --skip-validate) skip_validate=1 ;;
    *) echo "perf-report.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

gap=(--timing both --validate both --gap "${GAP_MS:-20}" --gap-kind "${GAP_KIND:-idle}")
multibox_backends=${MULTIBOX_BACKENDS:-}
multibox_batches=${MULTIBOX_BATCHES:-1,8,32}
retinanet_backends=${RETINANET_BACKENDS:-onnxruntime-node-cpu,onnxruntime-web-wasm,tfjs-wasm,tfjs-cpu,browser-onnxruntime-web-wasm}
yolov8_backends=${YOLOV8_BACKENDS:-onnxruntime-node-cpu,onnxruntime-web-wasm,tfjs-wasm}
train_backends=${TRAIN_BACKENDS:-}
validate_backends=${VALIDATE_BACKENDS:-}

exec 9>/tmp/lossgraph-perf.lock
echo "perf-report.sh: waiting for /tmp/lossgraph-perf.lock" >&2
flock 9
mkdir -p reports
if [ "$skip_validate" -eq 0 ]; then
  pnpm bench validate ${validate_backends:+--backends "$validate_backends"} --json reports/latest-validate.json || true
fi
pnpm bench perf --batch "$multibox_batches" --classes 21 --priors ssd300 \
  ${multibox_backends:+--backends "$multibox_backends"} "${gap[@]}" --json reports/latest-perf.json
pnpm bench perf --loss retinanet --batch 8 --backends "$retinanet_backends" "${gap[@]}" \
  --json reports/latest-perf-retinanet.json
pnpm bench perf --loss yolov8 --batch 16 --backends "$yolov8_backends" "${gap[@]}" \
  --json reports/latest-perf-yolov8.json
pnpm bench perf --train ${train_backends:+--backends "$train_backends"} --json reports/latest-perf-train.json
pnpm bench profile --batch 32 --runs 20 --nodes 15 --json reports/latest-profile.json
pnpm bench profile --loss retinanet --batch 8 --runs 5 --nodes 15 --json reports/latest-profile-retinanet.json
# report reads every reports/latest-perf-<loss>.json, latest-profile-<loss>.json and latest-perf-train.json
pnpm bench report --validate reports/latest-validate.json --perf reports/latest-perf.json \
  --profile reports/latest-profile.json
