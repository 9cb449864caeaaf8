import { GraphBuilder, LossGraphError, multiboxLossProgram } from '@lossgraph/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { compile, LOWERINGS } from '../src/index.js';
import './backends.js';

const isCode = (code: string) => (e: unknown) => LossGraphError.isInstance(e) && e.code === code;

function tinyGraph() {
  const b = new GraphBuilder();
  const x = b.input('x', 'float32', ['N', 3]);
  b.output('total', x.mul(x).sum());
  b.output('double', x.mul(2));
  return b.build();
}

describe('compile() and the compiled loss', () => {
  it('runs on the backend asked for, and says so', async () => {
    for (const backend of ['cpu', 'wasm']) {
      const loss = await compile(tinyGraph(), { backend });
      expect([loss.backend, loss.device, loss.tfBackend, tf.getBackend()]).toEqual([
        `tfjs-${backend}`,
        backend,
        backend,
        backend,
      ]);
      await loss.dispose();
    }
  });

  it('names an unregistered backend and lists the registered ones', async () => {
    await expect(compile(tinyGraph(), { backend: 'nope' })).rejects.toSatisfy(
      (e) => isCode('BACKEND_UNAVAILABLE')(e) && /registered: .*cpu/.test((e as Error).message),
    );
  });

  it("a misspelt 'backend' is INVALID_OPTION naming the closest option, not a run wherever tfjs happens to be", async () => {
    await expect(compile(tinyGraph(), { backnd: 'wasm' } as never)).rejects.toThrow(
      /unknown tfjs compile option 'backnd' \(did you mean 'backend'\?\)/,
    );
  });

  it('takes Float64Array feeds (narrowed to float32 once)', async () => {
    const loss = await compile(tinyGraph(), { backend: 'cpu' });
    const out = await loss.run({ x: { dtype: 'float32', shape: [1, 3], data: Float64Array.from([1, 2, 3]) } }, [
      'double',
    ]);
    expect(Array.from(out.double!.data)).toEqual([2, 4, 6]);
    await loss.dispose();
  });

  it('returns only the outputs asked for, as host arrays', async () => {
    const loss = await compile(tinyGraph(), { backend: 'cpu' });
    const out = await loss.run(
      { x: { dtype: 'float32', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) } },
      ['double'],
    );
    expect(Object.keys(out)).toEqual(['double']);
    expect(Array.from(out.double!.data)).toEqual([2, 4, 6, 8, 10, 12]);
    await expect(
      loss.run({ x: { dtype: 'float32', shape: [2, 3], data: new Float32Array(6) } }, ['nope']),
    ).rejects.toSatisfy(isCode('INVALID_GRAPH'));
    await loss.dispose();
  });

  it('checks feeds: missing, wrong dtype, wrong shape', async () => {
    const loss = await compile(tinyGraph(), { backend: 'cpu' });
    await expect(loss.run({})).rejects.toSatisfy(isCode('MISSING_INPUT'));
    await expect(loss.run({ x: { dtype: 'int32', shape: [2, 3], data: new Int32Array(6) } })).rejects.toSatisfy(
      isCode('DTYPE_MISMATCH'),
    );
    await expect(loss.run({ x: { dtype: 'float32', shape: [2, 4], data: new Float32Array(8) } })).rejects.toSatisfy(
      isCode('SHAPE_MISMATCH'),
    );
    await loss.dispose();
  });

  it('fails with DISPOSED after dispose()', async () => {
    const loss = await compile(tinyGraph(), { backend: 'cpu' });
    await loss.dispose();
    await expect(loss.run({ x: { dtype: 'float32', shape: [1, 3], data: new Float32Array(3) } })).rejects.toSatisfy(
      isCode('DISPOSED'),
    );
    const x = tf.zeros([1, 3]);
    expect(() => loss.apply({ x })).toThrow(expect.objectContaining({ code: 'DISPOSED' }));
    x.dispose();
  });

  it('apply(): scalar float outputs by default; refuses host arrays and a different active backend', async () => {
    const loss = await compile(tinyGraph(), { backend: 'cpu' });
    const x = tf.tensor([[1, 2, 3]]);
    const { total, ...rest } = loss.apply({ x });
    expect(Object.keys(rest)).toEqual([]);
    expect(total!.shape).toEqual([]);
    expect(await total!.data()).toEqual(Float32Array.from([14]));
    expect(() => loss.apply({ x: { dtype: 'float32', shape: [1, 3], data: new Float32Array(3) } as never })).toThrow(
      /not a tf.Tensor/,
    );
    await tf.setBackend('wasm');
    expect(() => loss.apply({ x })).toThrow(/tf.setBackend\('cpu'\)/);
    await tf.setBackend('cpu');
    tf.dispose([x, total!]);
    await loss.dispose();
  });

  it('apply() validates inputs like run() (validate: false skips it)', async () => {
    const loss = await compile(multiboxLossProgram({ gradients: false }), { backend: 'cpu' });
    const inputs = {
      loc_data: tf.zeros([1, 2, 4]),
      conf_data: tf.zeros([1, 2, 3]),
      dbox_list: tf.tensor([
        [0.5, 0.5, 0.2, 0.2],
        [0.2, 0.2, 0.1, 0.1],
      ]),
      targets: tf.tensor([[[0.4, 0.4, 0.3, 0.6, 0]]]), // xmax < xmin: degenerate
      num_objs: tf.tensor([1], [1], 'int32'),
    };
    expect(() => loss.apply(inputs)).toThrow(expect.objectContaining({ code: 'DEGENERATE_BOX' }));
    const unchecked = await compile(multiboxLossProgram({ gradients: false }), { backend: 'cpu', validate: false });
    const out = unchecked.apply(inputs); // the value scan is skipped: the degenerate truth reaches the graph
    expect(Object.keys(out).sort()).toEqual(['loss_c', 'loss_l']);
    tf.dispose([...Object.values(inputs), ...Object.values(out)]);
    await Promise.all([loss.dispose(), unchecked.dispose()]);
  });

  it('has a lowering for every IR op (none marked unsupported)', () => {
    expect(Object.entries(LOWERINGS).filter(([, l]) => 'unsupported' in l)).toEqual([]);
  });
});
