#!/usr/bin/env bash
# Installs everything lossgraph needs on a fresh Debian machine: Chromium (browser backends and tests),
# optionally Debian's PyTorch (to time the original; fixtures are committed, tests do not need it),
# pnpm, and the workspace from the frozen lockfile.
#   bash scripts/setup.sh            # Chromium + workspace
#   bash scripts/setup.sh --torch    # also python3-torch and python3-torchvision for `pnpm bench perf` beside the originals
set -euo pipefail
cd "$(dirname "$0")/.."

want_torch=0
for arg in "$@"; do
  case "$arg" in
    --torch) want_torch=1 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Node 20.19+ (require() of the ES module packages, the consumer test) and npm (pnpm and the consumer test)
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' 2>/dev/null; then
  echo "setup: lossgraph needs Node.js 20.19 or later; found $(node --version 2>/dev/null || echo 'no node')" >&2
  exit 1
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: npm is missing (it installs pnpm, and the consumer test installs the packed tarballs with it); install the npm that goes with your Node.js" >&2
  exit 1
fi

apt_packages=()
command -v chromium >/dev/null 2>&1 || apt_packages+=(chromium)
if [ "$want_torch" -eq 1 ] && ! /usr/bin/python3 -c 'import torch, torchvision' >/dev/null 2>&1; then
  apt_packages+=(python3-torch python3-numpy python3-torchvision)
fi
if [ "${#apt_packages[@]}" -gt 0 ]; then
  echo "setup: apt-get install ${apt_packages[*]}" >&2
  sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

if [ "$(pnpm --version 2>/dev/null || true)" != "12.4.2" ]; then
  echo "setup: installing pnpm 12.4.2" >&2
  sudo_if_needed npm install -g pnpm@12.4.2 >/dev/null
fi

# onnxruntime-node's install script would download the CUDA provider; pnpm does not run it (see
# pnpm-workspace.yaml), and this keeps it off if someone allows it. GPU users: see README.
export ONNXRUNTIME_NODE_INSTALL="${ONNXRUNTIME_NODE_INSTALL:-skip}"
pnpm install --frozen-lockfile
