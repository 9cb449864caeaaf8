import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  appendGradients,
  GraphBuilder,
  type HostTensor,
  interpret,
  type OpAttrs,
  parseSafetensors,
  type Tensor,
} from '../src/index.js';

/** The ops tools/reference/make_network_ops.py runs through torch.nn.functional. */
type TorchOp = 'conv2d' | 'convTranspose2d' | 'maxPool2d' | 'avgPool2d' | 'resizeNearest';

interface TorchCase {
  readonly name: string;
  readonly op: TorchOp;
  readonly attrs: Record<string, unknown>;
}

const file = parseSafetensors(
  readFileSync(new URL('./data/network_ops_torch.safetensors', import.meta.url)),
  'network_ops_torch',
);
const cases = JSON.parse(file.metadata.cases ?? '[]') as TorchCase[];

function tensor(name: string): HostTensor {
  const t = file.tensors.get(name);
  if (t === undefined || t.dtype !== 'F64') throw new Error(`${name}: missing or not F64`);
  return { dtype: 'float32', shape: [...t.shape], data: t.data as Float64Array };
}

function apply(op: TorchOp, [x, w]: Tensor[], attrs: Record<string, unknown>): Tensor {
  if (x === undefined) throw new Error('no input');
  switch (op) {
    case 'conv2d':
      return x.conv2d(w as Tensor, attrs as unknown as OpAttrs['conv2d']);
    case 'convTranspose2d':
      return x.convTranspose2d(w as Tensor, attrs as unknown as OpAttrs['convTranspose2d']);
    case 'maxPool2d':
      return x.maxPool2d(attrs as unknown as OpAttrs['maxPool2d']);
    case 'avgPool2d':
      return x.avgPool2d(attrs as unknown as OpAttrs['avgPool2d']);
    case 'resizeNearest':
      return x.resizeNearest((attrs as unknown as OpAttrs['resizeNearest']).scales);
  }
}

/** max |got - want| / max(1, max |want|) */
function relError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let scale = 1;
  let worst = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i] ?? 0));
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs((got[i] ?? Number.NaN) - (want[i] ?? 0)));
  return worst / scale;
}

describe('the 2-D network ops and their gradients equal PyTorch 1.13 (float64, tools/reference)', () => {
  it('the fixture holds the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(19);
  });
  for (const c of cases) {
    it(`${c.op}: ${c.name}`, () => {
      const names = file.tensors.has(`${c.name}/w`) ? ['x', 'w'] : ['x'];
      const feeds: Record<string, HostTensor> = { gy: tensor(`${c.name}/gy`) };
      const b = new GraphBuilder();
      const ins = names.map((n) => {
        const t = tensor(`${c.name}/${n}`);
        feeds[n] = t;
        return b.input(n, 'float32', t.shape);
      });
      const y = apply(c.op, ins, c.attrs);
      b.output('y', y);
      b.output('loss', y.mul(b.input('gy', 'float32', y.shape)).sum());
      const graph = appendGradients(b.build(), {
        of: ['loss'],
        wrt: Object.fromEntries(names.map((n) => [n, `d${n}`])),
      });
      const out = interpret(graph, feeds);
      for (const k of ['y', ...names.map((n) => `d${n}`)]) {
        const want = tensor(`${c.name}/${k}`);
        expect(out[k]?.shape, k).toEqual(want.shape);
        expect(relError(out[k]?.data ?? [], want.data as Float64Array), k).toBeLessThan(1e-12);
      }
    });
  }
});
