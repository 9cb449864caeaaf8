import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';

export type CudaProviderStatus =
  | { readonly available: true; readonly library: string }
  | { readonly available: false; readonly reason: string };

/** Where onnxruntime-node keeps its native libraries (the CUDA provider is installed there too). */
export function ortBinaryFolder(): string {
  const main = createRequire(import.meta.url).resolve('onnxruntime-node');
  return join(dirname(main), '..', 'bin', 'napi-v6', platform(), arch());
}

function hasNvidiaGpu(): boolean {
  if (existsSync('/dev/nvidia0')) return true;
  try {
    execFileSync('nvidia-smi', ['-L'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the CUDA execution provider can be tried here, without starting it: the provider library in
 * onnxruntime-node's folder and an NVIDIA GPU (/dev/nvidia0 or `nvidia-smi`). The reason says what is missing.
 */
export function cudaProviderStatus(): CudaProviderStatus {
  if (platform() !== 'linux' && platform() !== 'win32')
    return { available: false, reason: `onnxruntime-node has no CUDA provider for ${platform()}` };
  let folder: string;
  try {
    folder = ortBinaryFolder();
  } catch (e) {
    return { available: false, reason: `onnxruntime-node is not installed (${(e as Error).message})` };
  }
  const library = join(
    folder,
    platform() === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so',
  );
  if (!existsSync(library)) {
    return {
      available: false,
      reason: `the CUDA provider library is not installed (no ${library}); install it with ONNXRUNTIME_NODE_INSTALL=cuda12 (see @lossgraph/onnxruntime-node's README)`,
    };
  }
  if (!hasNvidiaGpu())
    return { available: false, reason: 'no NVIDIA GPU found (no /dev/nvidia0, and nvidia-smi did not run)' };
  return { available: true, library };
}
