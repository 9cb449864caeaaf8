#!/usr/bin/env bash
# One quiet run of everything a dated benchmark report needs, under the perf lock (other timings wait):
# validate (every fixture on every backend), `bench perf` for the MultiBoxLoss and the RetinaNet loss in
# every timing condition (back to back and a training-loop gap before each call, validation on and off,
# peak memory), onnxruntime's profile of both losses, then `bench report` into reports/<date>/.
#   bash scripts/perf-report.sh                    # all of it
#   bash scripts/perf-report.sh --skip-validate    # reuse reports/latest-validate.json
# Environment: MULTIBOX_BACKENDS, RETINANET_BACKENDS (bench backend lists), GAP_MS (default 20), GAP_KIND
# (idle or busy, default idle).
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
retinanet_backends=${RETINANET_BACKENDS:-onnxruntime-node-cpu,onnxruntime-web-wasm,tfjs-wasm,tfjs-cpu,browser-onnxruntime-web-wasm}

exec 9>/tmp/lossgraph-perf.lock
echo "perf-report.sh: waiting for /tmp/lossgraph-perf.lock" >&2
flock 9
mkdir -p reports
if [ "$skip_validate" -eq 0 ]; then
  pnpm bench validate --json reports/latest-validate.json
fi
pnpm bench perf --batch 1,8,32 --classes 21 --priors ssd300 ${multibox_backends:+--backends "$multibox_backends"} \
  "${gap[@]}" --json reports/latest-perf.json
pnpm bench perf --loss retinanet --batch 8 --backends "$retinanet_backends" "${gap[@]}" \
  --json reports/latest-perf-retinanet.json
pnpm bench profile --batch 32 --runs 20 --nodes 15 --json reports/latest-profile.json
pnpm bench profile --loss retinanet --batch 8 --runs 5 --nodes 15 --json reports/latest-profile-retinanet.json
pnpm bench report --validate reports/latest-validate.json --perf reports/latest-perf.json \
  --retinanet-perf reports/latest-perf-retinanet.json --profile reports/latest-profile.json \
  --retinanet-profile reports/latest-profile-retinanet.json
