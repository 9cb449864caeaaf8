#!/usr/bin/env bash
# End-to-end check of the CUDA backend on a machine with an NVIDIA GPU (CUDA 12, cuDNN 9):
#   1. installs onnxruntime-node's CUDA provider if it is missing (ONNXRUNTIME_NODE_INSTALL=cuda12, needs the internet),
#   2. runs every committed fixture on the onnxruntime-node-cuda bench backend,
#   3. profiles one run of every committed loss fixture (every registered loss and its option paths) and fails if
#      any node that computes a tensor ran on another execution provider.
# Usage, from anywhere in the repository:  packages/onnxruntime-node/scripts/check-cuda.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"

echo "== GPU"
nvidia-smi -L

ort_dir="$(cd packages/onnxruntime-node && node -p "require('node:path').dirname(require.resolve('onnxruntime-node/package.json'))")"
lib="$ort_dir/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so"
if [ ! -f "$lib" ]; then
  echo "== installing the CUDA provider into $ort_dir"
  # onnxruntime-node's own install script, which pnpm does not run (allowBuilds: onnxruntime-node: false)
  (cd "$ort_dir" && ONNXRUNTIME_NODE_INSTALL=cuda12 node script/install.js)
fi
ls -l "$lib"

echo "== fixtures on onnxruntime-node-cuda"
pnpm bench validate --backends onnxruntime-node-cuda

echo "== node placement (profile of one run per loss fixture)"
pnpm exec tsx --conditions=source packages/onnxruntime-node/scripts/check-cuda-placement.ts "$@"
