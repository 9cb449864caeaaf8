import { describe, expect, it } from 'vitest';
import {
  appendGradients,
  type CompiledLoss,
  compileReference,
  type Feeds,
  focalSide,
  GraphBuilder,
  type HostTensor,
  LossGraphError,
  type LossGraphErrorCode,
  type LossProgram,
  multiboxLossProgram,
  type RetinanetInput,
  type RetinanetLossOptions,
  retinanetLossProgram,
  sigmoidFocalLoss,
} from '../src/index.js';
import { compareWithFixture, fixtureProgram, loadFixture, repoFixturesDir } from '../src/testing/index.js';
import { sliceImages } from './batch-slices.js';

const fixture = (name: string) => loadFixture(`${repoFixturesDir()}/${name}.safetensors`);

function optionError(options: RetinanetLossOptions): LossGraphError {
  try {
    retinanetLossProgram(options);
  } catch (e) {
    if (LossGraphError.isInstance(e)) return e;
    throw e;
  }
  throw new Error(`options ${JSON.stringify(options)} were accepted`);
}

describe('retinanetLossProgram options', () => {
  it('defaults to torchvision: outputs loss_cls, loss_box and both gradients', () => {
    expect(retinanetLossProgram().graph.outputs.map((o) => o.name)).toEqual([
      'loss_cls',
      'loss_box',
      'grad_cls_logits',
      'grad_bbox_regression',
    ]);
    expect(
      retinanetLossProgram({
        gradients: false,
        outputs: ['matched_idxs', 'num_foreground'],
        normalize: 'none',
      }).graph.outputs.map((o) => o.name),
    ).toEqual(['loss_cls', 'loss_box', 'normalizer', 'matched_idxs', 'num_foreground']);
  });

  const bad: [RetinanetLossOptions, string][] = [
    [{ fgIouThresh: 1.5 }, 'fgIouThresh'],
    [{ bgIouThresh: 0.6 }, 'bgIouThresh'], // above the default fg 0.5
    [{ focalAlpha: 2 }, 'focalAlpha'],
    [{ focalAlpha: 1e-46 }, 'focalAlpha'], // 0 in float32
    [{ focalGamma: -1 }, 'focalGamma'],
    [{ focalGamma: 1e39 }, 'focalGamma'], // beyond float32
    [{ boxLoss: 'iou' as never }, 'boxLoss'],
    [{ normalize: 'mean' as never }, 'normalize'],
    [{ outputs: ['conf_t_label' as never] }, 'outputs'],
    [{ allowLowQualityMatches: 1 as never }, 'allowLowQualityMatches'],
    [{ jaccardThresh: 0.5 } as never, 'jaccardThresh'],
  ];
  for (const [options, name] of bad) {
    it(`refuses ${JSON.stringify(options)} naming '${name}'`, () => {
      const e = optionError(options);
      expect(e.code).toBe('INVALID_OPTION');
      expect(e.message).toContain(`'${name}'`);
      expect(e.details.option).toBe(name);
    });
  }
});

describe('retinanet input validation', async () => {
  const fx = await fixture('retinanet_empty_image');
  const base = fx.inputs as Feeds;
  const program: LossProgram = retinanetLossProgram(); // fed by name from a fixture file: not typed by name
  const C = base.cls_logits!.shape[2]!;

  async function rejection(feeds: Feeds, p: LossProgram = program): Promise<LossGraphError> {
    const error = await compileReference(p)
      .run(feeds)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(LossGraphError.isInstance(error), `not a LossGraphError: ${String(error)}`).toBe(true);
    return error as LossGraphError;
  }
  const edit = (name: string, change: (data: Float32Array | Int32Array) => void): Feeds => {
    const t = base[name]!;
    const data = t.data.slice() as Float32Array | Int32Array;
    change(data);
    return { ...base, [name]: { ...t, data } as HostTensor };
  };
  const M = base.targets!.shape[1]!;
  const row = (b: number, r: number) => (b * M + r) * 5;

  const cases: [string, Feeds, LossGraphErrorCode, RegExp, Record<string, unknown>][] = [
    [
      'NaN logit',
      edit('cls_logits', (d) => (d[C + 1] = NaN)),
      'NON_FINITE',
      /'cls_logits' holds a non-finite value NaN at index \[0,1,1\]/,
      { tensor: 'cls_logits', index: [0, 1, 1] },
    ],
    [
      'infinite offset',
      edit('bbox_regression', (d) => (d[3] = Infinity)),
      'NON_FINITE',
      /'bbox_regression'/,
      { tensor: 'bbox_regression' },
    ],
    [
      'degenerate anchor',
      edit('anchors', (d) => (d[4 * 7 + 2] = d[4 * 7]!)),
      'DEGENERATE_BOX',
      /'anchors' row 7/,
      { tensor: 'anchors', row: 7 },
    ],
    [
      'label C (no background class)',
      edit('targets', (d) => (d[row(2, 1) + 4] = C)),
      'LABEL_OUT_OF_RANGE',
      new RegExp(`image 2 row 1: label ${C} outside \\[0, ${C - 1}\\]`),
      { tensor: 'targets', image: 2, row: 1 },
    ],
    [
      'degenerate truth',
      edit('targets', (d) => (d[row(0, 0) + 3] = d[row(0, 0) + 1]!)),
      'DEGENERATE_BOX',
      /'targets' image 0 row 0/,
      { tensor: 'targets', image: 0, row: 0 },
    ],
    [
      'num_objs above M',
      edit('num_objs', (d) => (d[1] = M + 1)),
      'NUM_OBJS_OUT_OF_RANGE',
      /'num_objs' image 1/,
      { tensor: 'num_objs', image: 1 },
    ],
  ];
  for (const [what, feeds, code, message, details] of cases) {
    it(`a ${what} is ${code} naming the tensor (and image and row)`, async () => {
      const e = await rejection(feeds);
      expect(e.code).toBe(code);
      expect(e.message).toMatch(message);
      expect(e.details).toMatchObject(details);
    });
  }

  it('checkInputs refuses the sizes the graph cannot take (B, A, C, M >= 1), also with validate: false', async () => {
    const empty = (name: string, shape: number[]): Feeds => ({
      ...base,
      [name]: { ...base[name]!, shape, data: new Float32Array(0) } as HostTensor,
    });
    const B = base.cls_logits!.shape[0]!;
    const A = base.anchors!.shape[0]!;
    const noClasses = { ...empty('cls_logits', [B, A, 0]) };
    expect(() => program.checkInputs!(noClasses)).toThrow(
      /'cls_logits': expected shape \[B,A,C\] with C >= 1, got \[3,756,0\]: there are no classes/,
    );
    const noRows = { ...empty('targets', [B, 0, 5]) };
    expect(() => program.checkInputs!(noRows)).toThrow(/'targets': expected shape \[B,M,5\] with M >= 1/);
    // the backend layer runs checkInputs on every run, whatever `validate` says
    expect((await rejection(noClasses)).code).toBe('SHAPE_MISMATCH');
    const unchecked = compileReference(program, { validate: false });
    await expect(unchecked.run(noRows)).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
  });

  it('rows past num_objs are padding and not checked', async () => {
    const feeds = edit('targets', (d) => d.fill(NaN, row(1, 0), row(1, M)));
    // image 1 has no truths: its rows are all padding, so NaN there changes nothing
    expect(base.num_objs!.data[1]).toBe(0);
    expect(compareWithFixture(await compileReference(fixtureProgram(fx)).run(feeds), fx).failures).toEqual([]);
  });
});

describe('focal loss numerics', () => {
  // focalSide's closed-form derivative, against the IR's own autodiff of the elementwise loss (float64 reference)
  const Z = [-40, -17.5, -3, -0.7, -1e-9, 0, 1e-9, 0.4, 2.5, 18, 40];
  for (const [alpha, gamma] of [
    [0.25, 2],
    [0.25, 0],
    [-1, 2],
    [0.9, 0.5],
    [0.5, 3.5],
    [1, 1],
    [0, 2],
  ] as const) {
    for (const target of [0, 1] as const) {
      it(`focalSide(t = ${target}, alpha ${alpha}, gamma ${gamma}): the loss of sigmoidFocalLoss, the derivative of differentiating it`, async () => {
        const b = new GraphBuilder();
        const z = b.input('z', 'float32', [Z.length]);
        const side = focalSide(z, target, alpha, gamma, true);
        const positive = b.scalar(target).expand([Z.length]).equal(1);
        const plain = sigmoidFocalLoss(z, positive, alpha, gamma);
        b.output('loss', side.loss).output('grad', side.grad!).output('each', plain).output('plain', plain.sum());
        const graph = appendGradients(b.build(), { of: ['plain'], wrt: { z: 'autodiff' } });
        const out = await compileReference(graph).run({
          z: { dtype: 'float32', shape: [Z.length], data: Float64Array.from(Z) as unknown as Float32Array },
        });
        const loss = Array.from(out.loss!.data);
        const grad = Array.from(out.grad!.data);
        const want = Array.from(out.autodiff!.data);
        const each = Array.from(out.each!.data);
        for (const [i, l] of loss.entries()) {
          const e = each[i]!;
          expect(Math.abs(l - e), `z = ${Z[i]}: ${l} vs ${e}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(e)));
        }
        for (const [i, g] of grad.entries()) {
          const w = want[i]!;
          expect(Math.abs(g - w), `z = ${Z[i]}: ${g} vs ${w}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(w)));
        }
      });
    }
  }

  // the closed-form grad_cls_logits (dense side unweighted, w0 on the per-anchor scale) against the IR's
  // autodiff of loss_cls, float64: alpha 1 leaves only the positives (w0 = 0), gamma 1 and 2 take the products
  for (const [focalAlpha, focalGamma] of [
    [1, 1],
    [0.25, 2],
    [0.6, 3.5],
    [-1, 0],
  ] as const) {
    it(`grad_cls_logits equals the autodiff of loss_cls (alpha ${focalAlpha}, gamma ${focalGamma}, retinanet_fpn_c20)`, async () => {
      const fx = await fixture('retinanet_fpn_c20');
      const graph = appendGradients(retinanetLossProgram({ focalAlpha, focalGamma }).graph, {
        of: ['loss_cls'],
        wrt: { cls_logits: 'autodiff' },
      });
      const out = await compileReference(graph).run(fx.inputs);
      const want = Array.from(out.autodiff!.data);
      const got = Array.from(out.grad_cls_logits!.data);
      const scale = Math.max(...want.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      for (const [i, g] of got.entries())
        expect(Math.abs(g - want[i]!), `element ${i}`).toBeLessThanOrEqual(1e-12 * scale);
    });
  }

  it("a gamma below 1 on saturated logits keeps every gradient finite (torchvision's own pow gives NaN there)", async () => {
    const fx = await fixture('retinanet_large_logits');
    const loss: CompiledLoss = compileReference(retinanetLossProgram({ focalGamma: 0.5, boxLoss: 'diou' }));
    const out = await loss.run(fx.inputs);
    for (const name of ['loss_cls', 'grad_cls_logits'])
      expect(
        out[name]!.data.every((v) => Number.isFinite(v)),
        name,
      ).toBe(true);
  });
});

describe("normalize: 'none' and the data-parallel recipe", () => {
  /** Each image on its own "worker": all-reduce (sum) the loss sums, gradients and normalisers, divide once. */
  async function dataParallel(
    name: string,
    program: (normalize: 'none') => LossProgram,
    batched: readonly string[],
    losses: readonly string[],
    grads: readonly string[],
  ) {
    const fx = await fixture(name);
    const B = (fx.inputs as Feeds)[batched[0]!]!.shape[0]!;
    const compiled = compileReference(program('none'));
    const parts = await Promise.all(
      Array.from({ length: B }, (_, b) => compiled.run(sliceImages(fx.inputs as Feeds, batched, b, b + 1))),
    );
    const normalizer = Math.max(
      1,
      parts.reduce((s, p) => s + p.normalizer!.data[0]!, 0),
    );
    const out: Record<string, HostTensor> = {};
    for (const n of losses)
      out[n] = {
        dtype: 'float32',
        shape: [],
        data: Float64Array.of(parts.reduce((s, p) => s + p[n]!.data[0]!, 0) / normalizer),
      };
    for (const n of grads) {
      const chunks = parts.map((p) => Array.from(p[n]!.data, (v) => v / normalizer));
      out[n] = { dtype: 'float32', shape: [], data: Float64Array.from(chunks.flat()) };
    }
    return compareWithFixture(out, fx);
  }

  it('RetinaNet: per-worker sums over images and image counts give the batch loss (retinanet_empty_image)', async () => {
    const cmp = await dataParallel(
      'retinanet_empty_image',
      (normalize) => retinanetLossProgram({ normalize, boxLoss: 'giou' }),
      ['cls_logits', 'bbox_regression', 'targets', 'num_objs'],
      ['loss_cls', 'loss_box'],
      ['grad_cls_logits', 'grad_bbox_regression'],
    );
    expect(cmp.failures).toEqual([]);
  });

  it('MultiBoxLoss: per-worker sums and positive counts give the batch loss, both profiles (m_padding, tv_ssd_empty_image)', async () => {
    const batched = ['loc_data', 'conf_data', 'targets', 'num_objs'];
    for (const [name, profile] of [
      ['m_padding', 'seed'],
      ['tv_ssd_empty_image', 'torchvision'],
    ] as const) {
      const cmp = await dataParallel(
        name,
        (normalize) => multiboxLossProgram({ normalize, profile }),
        batched,
        ['loss_l', 'loss_c'],
        ['grad_loc', 'grad_conf'],
      );
      expect(cmp.failures, name).toEqual([]);
    }
  });

  it("'none' on the whole batch is 'batch' times the normaliser (retinanet_l1)", async () => {
    const fx = await fixture('retinanet_l1');
    const batch = await compileReference(fixtureProgram(fx)).run(fx.inputs);
    const none = await compileReference(retinanetLossProgram({ normalize: 'none' })).run(
      fx.inputs as Feeds<RetinanetInput>,
    );
    const B = (fx.inputs as Feeds).cls_logits!.shape[0]!;
    expect(none.normalizer!.data[0]).toBe(B);
    for (const n of ['loss_cls', 'loss_box'] as const)
      expect(none[n]!.data[0]! / B).toBeCloseTo(batch[n]!.data[0]!, 12);
  });
});
