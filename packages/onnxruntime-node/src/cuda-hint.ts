/** How to get the CUDA execution provider for onnxruntime-node (its npm package ships without it). */
export const CUDA_INSTALL_HINT =
  'onnxruntime-node ships without its CUDA provider: install it with ONNXRUNTIME_NODE_INSTALL=cuda12 set when ' +
  "onnxruntime-node's install script runs (e.g. `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node`; with pnpm, " +
  'allow the build of onnxruntime-node and run `ONNXRUNTIME_NODE_INSTALL=cuda12 pnpm rebuild onnxruntime-node`). ' +
  'The machine needs an NVIDIA GPU with CUDA 12 and cuDNN 9 libraries on the library path.';
