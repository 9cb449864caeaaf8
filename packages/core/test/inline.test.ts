import { describe, expect, it } from 'vitest';
import { appendGradients, GraphBuilder, interpret, LossGraphError, multiboxLoss } from '../src/index.js';
import { inlineGraph } from '../src/passes/inline.js';
import { randomProblem } from './helpers.js';

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return LossGraphError.isInstance(e) ? `${e.code}: ${e.message}` : `other: ${String(e)}`;
  }
  return 'none';
}

const B = 2;
const P = 24;
const C = 4;
const feeds = randomProblem(7, B, P, C, 3);

describe('inlineGraph', () => {
  it('copies a loss with data-dependent dims into a builder at fixed sizes and computes what the loss computes', () => {
    const loss = multiboxLoss({ gradients: false });
    const want = interpret(loss, feeds);

    // a "model" whose outputs feed the loss: loc and conf scaled by 1 (fixed shapes), targets symbolic in M
    const b = new GraphBuilder();
    const loc = b.input('loc', 'float32', [B, P, 4]).mul(1);
    const conf = b.input('conf', 'float32', [B, P, C]).mul(1);
    const targets = b.input('targets', 'float32', [B, 'M', 5]);
    const inputs = {
      dbox_list: b.input('dbox_list', 'float32', [P, 4]),
      targets,
      num_objs: b.input('n', 'int32', [B]),
    };
    // twice in one builder: each copy's data-dependent dims get names of their own
    const first = inlineGraph(b, loss, { loc_data: loc, conf_data: conf, ...inputs });
    const second = inlineGraph(b, loss, { loc_data: loc.mul(2), conf_data: conf, ...inputs });
    b.output('loss_l', first.loss_l!).output('loss_c', first.loss_c!).output('loss_l2', second.loss_l!);
    const g = b.build();
    const got = interpret(g, {
      loc: feeds.loc_data,
      conf: feeds.conf_data,
      targets: feeds.targets,
      dbox_list: feeds.dbox_list,
      n: feeds.num_objs,
    });
    expect(got.loss_l!.data[0]).toBe(want.loss_l!.data[0]);
    expect(got.loss_c!.data[0]).toBe(want.loss_c!.data[0]);
    // loss_l of 2·loc differs from loss_l: the second copy really read its own input
    expect(got.loss_l2!.data[0]).not.toBe(want.loss_l!.data[0]);
    const dims = new Set(g.values.flatMap((v) => v.shape.filter((d) => typeof d === 'string' && d.startsWith('$'))));
    expect(dims.size).toBe(4);
  });

  it('differentiates through the inlined copy as through the original', () => {
    const loss = multiboxLoss({ gradients: false });
    const want = interpret(
      appendGradients(loss, { of: ['loss_l', 'loss_c'], wrt: { conf_data: 'g_conf', loc_data: 'g_loc' } }),
      feeds,
    );
    const b = new GraphBuilder();
    const loc = b.input('loc_data', 'float32', [B, P, 4]);
    const conf = b.input('conf_data', 'float32', [B, P, C]);
    const outs = inlineGraph(b, loss, {
      loc_data: loc.mul(1),
      conf_data: conf.mul(1),
      dbox_list: b.input('dbox_list', 'float32', [P, 4]),
      targets: b.input('targets', 'float32', [B, 'M', 5]),
      num_objs: b.input('num_objs', 'int32', [B]),
    });
    b.output('loss_l', outs.loss_l!).output('loss_c', outs.loss_c!);
    const g = appendGradients(b.build(), {
      of: ['loss_l', 'loss_c'],
      wrt: { conf_data: 'g_conf', loc_data: 'g_loc' },
    });
    const got = interpret(g, feeds);
    expect(Array.from(got.g_conf!.data)).toEqual(Array.from(want.g_conf!.data));
    expect(Array.from(got.g_loc!.data)).toEqual(Array.from(want.g_loc!.data));
    expect(Array.from(got.g_loc!.data).some((v) => v !== 0)).toBe(true);
  });

  it('binds symbols to the symbols of the target builder', () => {
    const inner = new GraphBuilder();
    const x = inner.input('x', 'float32', ['N', 'K']);
    inner.output('y', x.sum([1]).expand(['N']).reshape(['N', 1]));
    const b = new GraphBuilder();
    const outer = b.input('rows', 'float32', ['R', 3]);
    const { y } = inlineGraph(b, inner.build(), { x: outer });
    expect(y!.shape).toEqual(['R', 1]);
    b.output('y', y!);
    const out = interpret(b.build(), { rows: { shape: [2, 3], data: [1, 2, 3, 4, 5, 6] } });
    expect(Array.from(out.y!.data)).toEqual([6, 15]);
  });

  it('names the input and the tensor fed to it when they do not fit', () => {
    const loss = multiboxLoss({ gradients: false });
    const b = new GraphBuilder();
    const t = (shape: (number | string)[], dtype: 'float32' | 'int32' = 'float32') =>
      b.input(`t${b.build().inputs.length}`, dtype, shape);
    const good = () => ({
      loc_data: t([B, P, 4]),
      conf_data: t([B, P, C]),
      dbox_list: t([P, 4]),
      targets: t([B, 'M', 5]),
      num_objs: t([B], 'int32'),
    });
    expect(code(() => inlineGraph(b, loss, { ...good(), dbox_list: t([P + 1, 4]) }))).toMatch(
      /^SHAPE_MISMATCH: inlined graph input 'dbox_list': .*P is already 24/,
    );
    expect(code(() => inlineGraph(b, loss, { ...good(), loc_data: t([B, P, 5]) }))).toMatch(
      /^SHAPE_MISMATCH: inlined graph input 'loc_data': expected shape \[B,P,4\], got \[2,24,5\]/,
    );
    expect(code(() => inlineGraph(b, loss, { ...good(), num_objs: t([B]) }))).toMatch(
      /^DTYPE_MISMATCH: inlined graph input 'num_objs': expected int32, got float32/,
    );
    const { targets: _, ...noTargets } = good();
    expect(code(() => inlineGraph(b, loss, noTargets))).toMatch(/^MISSING_INPUT: .*'targets'/);
    expect(code(() => inlineGraph(b, loss, { ...good(), extra: t([1]) }))).toMatch(
      /^INVALID_GRAPH: .*no input 'extra'/,
    );
  });
});
