import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileReference,
  type Feeds,
  type HostTensor,
  inputInfo,
  LossGraphError,
  type LossGraphErrorCode,
  type LossProgram,
  type Yolov8LossOptions,
  yoloAnchors,
  yolov8LossProgram,
} from '../src/index.js';
import { loadYolov8Fixture, yolov8FixturePaths, yolov8SamplePath } from './yolov8-fixtures.js';

const fixture = (name: string) => {
  const path = yolov8FixturePaths().find((p) => p.endsWith(`/${name}.safetensors`));
  if (path === undefined) throw new Error(`no fixture ${name}`);
  return loadYolov8Fixture(path);
};

function optionError(options: Yolov8LossOptions): LossGraphError {
  try {
    yolov8LossProgram(options);
  } catch (e) {
    if (LossGraphError.isInstance(e)) return e;
    throw e;
  }
  throw new Error(`options ${JSON.stringify(options)} were accepted`);
}

describe('yolov8LossProgram options', () => {
  it("defaults to Ultralytics' loss: the three terms and both gradients; diagnostics on request", () => {
    expect(yolov8LossProgram().graph.outputs.map((o) => o.name)).toEqual([
      'loss_box',
      'loss_cls',
      'loss_dfl',
      'grad_pred_scores',
      'grad_pred_distri',
    ]);
    const { graph } = yolov8LossProgram({ gradients: false, outputs: ['fg_mask', 'target_gt_idx'] });
    expect(graph.outputs.map((o) => [o.name, graph.values[o.value]!.dtype])).toEqual([
      ['loss_box', 'float32'],
      ['loss_cls', 'float32'],
      ['loss_dfl', 'float32'],
      ['fg_mask', 'int32'],
      ['target_gt_idx', 'int32'],
    ]);
  });

  it('sizes pred_distri by regMax', () => {
    expect(inputInfo(yolov8LossProgram({ regMax: 8 }).graph, 'pred_distri')!.shape).toEqual(['B', 'A', 32]);
    expect(inputInfo(yolov8LossProgram().graph, 'pred_distri')!.shape).toEqual(['B', 'A', 64]);
  });

  const bad: [Yolov8LossOptions, string][] = [
    [{ regMax: 1 }, 'regMax'],
    [{ regMax: 16.5 }, 'regMax'],
    [{ topk: 0 }, 'topk'],
    [{ alpha: -1 }, 'alpha'],
    [{ beta: Number.POSITIVE_INFINITY }, 'beta'],
    [{ boxGain: -0.5 }, 'boxGain'],
    [{ clsGain: 1e39 }, 'clsGain'], // beyond float32
    [{ dflGain: Number.NaN }, 'dflGain'],
    [{ outputs: ['matched_idxs' as never] }, 'outputs'],
    [{ gradients: 'yes' as never }, 'gradients'],
    [{ reg_max: 16 } as never, 'reg_max'],
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

describe('yoloAnchors', () => {
  const sample = yolov8SamplePath();
  it.skipIf(sample === undefined)(
    "equals the anchors Ultralytics' make_anchors wrote into the sample (128 x 128)",
    () => {
      const fx = loadYolov8Fixture(sample!);
      const { anchor_points, stride_tensor } = yoloAnchors({ imageSize: 128 });
      expect(anchor_points.shape).toEqual([336, 2]);
      expect(stride_tensor.shape).toEqual([336, 1]);
      expect(Array.from(anchor_points.data)).toEqual(Array.from(fx.feeds.anchor_points!.data));
      expect(Array.from(stride_tensor.data)).toEqual(Array.from(fx.feeds.stride_tensor!.data));
    },
  );

  it('lays out non-square images level by level, row-major', () => {
    const { anchor_points, stride_tensor } = yoloAnchors({ imageSize: [64, 96], strides: [16, 32] });
    // 4 x 6 + 2 x 3 anchors
    expect(anchor_points.shape).toEqual([30, 2]);
    expect(Array.from(anchor_points.data.subarray(0, 4))).toEqual([0.5, 0.5, 1.5, 0.5]);
    expect(Array.from(anchor_points.data.subarray(12, 14))).toEqual([0.5, 1.5]); // second row of level 0
    expect(Array.from(anchor_points.data.subarray(48, 50))).toEqual([0.5, 0.5]); // level 1 starts again
    expect(stride_tensor.data[23]).toBe(16);
    expect(stride_tensor.data[24]).toBe(32);
  });

  it('refuses an image that is not a multiple of a stride, and bad strides', () => {
    expect(() => yoloAnchors({ imageSize: 100 })).toThrow(/not a multiple of stride 8/);
    expect(() => yoloAnchors({ imageSize: 128, strides: [] })).toThrow(/'strides'/);
    expect(() => yoloAnchors({ imageSize: 0 })).toThrow(/'imageSize'/);
  });
});

describe('yolov8 input validation', () => {
  const fx = fixture('yolov8_empty_image');
  const base = fx.feeds;
  const program: LossProgram = yolov8LossProgram(); // fed by name from a fixture file: not typed by name
  const [, A, C] = base.pred_scores!.shape as [number, number, number];
  const M = base.targets!.shape[1]!;
  const row = (b: number, r: number) => (b * M + r) * 5;

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

  it('the fixture has truths in image 0 only', () => {
    expect(Array.from(base.num_objs!.data)).toEqual([3, 0]);
  });

  const cases: [string, Feeds, LossGraphErrorCode, RegExp, Record<string, unknown>][] = [
    [
      'NaN class logit',
      edit('pred_scores', (d) => (d[C + 1] = Number.NaN)),
      'NON_FINITE',
      /'pred_scores' holds a non-finite value NaN at index \[0,1,1\]/,
      { tensor: 'pred_scores', index: [0, 1, 1] },
    ],
    [
      'infinite distribution logit',
      edit('pred_distri', (d) => (d[5] = Number.POSITIVE_INFINITY)),
      'NON_FINITE',
      /'pred_distri'/,
      { tensor: 'pred_distri', index: [0, 0, 5] },
    ],
    [
      'zero stride',
      edit('stride_tensor', (d) => (d[7] = 0)),
      'DEGENERATE_BOX',
      /'stride_tensor' row 7/,
      { tensor: 'stride_tensor', row: 7 },
    ],
    [
      'label C (no background class)',
      edit('targets', (d) => (d[row(0, 2) + 4] = C)),
      'LABEL_OUT_OF_RANGE',
      new RegExp(`image 0 row 2: label ${C} outside \\[0, ${C - 1}\\]`),
      { tensor: 'targets', image: 0, row: 2 },
    ],
    [
      'degenerate truth',
      edit('targets', (d) => (d[row(0, 1) + 2] = d[row(0, 1)]!)),
      'DEGENERATE_BOX',
      /'targets' image 0 row 1/,
      { tensor: 'targets', image: 0, row: 1 },
    ],
    [
      'truth past the right edge',
      edit('targets', (d) => (d[row(0, 0) + 2] = 128.5)),
      'BOX_OUTSIDE_IMAGE',
      /'targets' image 0 row 0: .* leaves the 128x128 image/,
      { tensor: 'targets', image: 0, row: 0 },
    ],
    [
      'truth above the top edge',
      edit('targets', (d) => (d[row(0, 1) + 1] = -1)),
      'BOX_OUTSIDE_IMAGE',
      /'targets' image 0 row 1/,
      { tensor: 'targets', image: 0, row: 1 },
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

  it("a stride tensor that does not match the anchors' count is SHAPE_MISMATCH naming it", async () => {
    const strides = base.stride_tensor!;
    const short: Feeds = {
      ...base,
      stride_tensor: { ...strides, shape: [A - 1, 1], data: strides.data.slice(0, A - 1) } as HostTensor,
    };
    const e = await rejection(short);
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toMatch(/stride_tensor/);
  });

  it('pred_distri with other than 4 · regMax channels is SHAPE_MISMATCH', async () => {
    const e = await rejection(base, yolov8LossProgram({ regMax: 8 }));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toMatch(/pred_distri/);
  });

  it('checkInputs refuses fewer anchors than topk and an empty M, also with validate: false', async () => {
    const p = yolov8LossProgram({ topk: A + 1 });
    expect(() => p.checkInputs!(base)).toThrow(new RegExp(`'pred_scores'.*A >= ${A + 1}`));
    const noRows: Feeds = { ...base, targets: { ...base.targets!, shape: [2, 0, 5], data: new Float32Array(0) } };
    await expect(compileReference(program, { validate: false }).run(noRows)).rejects.toMatchObject({
      code: 'SHAPE_MISMATCH',
    });
  });
});

describe('yolov8 padding rows (fast-check)', () => {
  const fx = fixture('yolov8_padding');
  const loss = compileReference(yolov8LossProgram({ outputs: ['fg_mask', 'target_gt_idx'] }));
  const reference = loss.run(fx.feeds);

  it('whatever padding rows hold, and however many there are, every output is unchanged', async () => {
    const want = await reference;
    const targets = fx.feeds.targets!;
    const [B, M] = targets.shape as [number, number, number];
    const counts = Array.from(fx.feeds.num_objs!.data);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.oneof(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.constant(Number.NaN)), {
          minLength: 1,
          maxLength: 16,
        }),
        async (extra, junk) => {
          const wider = M + extra;
          const data = new Float32Array(B * wider * 5);
          for (let b = 0; b < B; b++) {
            for (let r = 0; r < wider; r++) {
              for (let k = 0; k < 5; k++) {
                const real = r < counts[b]!;
                data[(b * wider + r) * 5 + k] = real
                  ? targets.data[(b * M + r) * 5 + k]!
                  : junk[(b * wider + r + k) % junk.length]!;
              }
            }
          }
          const feeds: Feeds = { ...fx.feeds, targets: { dtype: 'float32', shape: [B, wider, 5], data } };
          const got = await loss.run(feeds);
          for (const name of Object.keys(want) as (keyof typeof want)[])
            expect(Array.from(got[name]!.data), name).toEqual(Array.from(want[name]!.data));
        },
      ),
      { numRuns: 6, seed: 20261206 },
    );
  });
});
