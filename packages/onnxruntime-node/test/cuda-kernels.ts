import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KernelTable } from '@lossgraph/onnx';

export { kernelGap, sinceVersion } from '@lossgraph/onnx';

export function loadCudaKernelTable(): KernelTable {
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'cuda-kernels-1.30.json');
  return JSON.parse(readFileSync(file, 'utf8')) as KernelTable;
}
