import { describe, expect, it } from 'vitest';
import {
  type CompileOptions,
  checkFeeds,
  compileReference,
  type Feeds,
  type HostTensor,
  LossGraphError,
  type LossGraphErrorCode,
  multiboxLoss,
  multiboxLossProgram,
} from '../src/index.js';
import { validFeeds, withData } from './valid-feeds.js';

const SIZES = { B: 2, P: 6, C: 4, M: 3 };
const program = multiboxLossProgram();
const base = validFeeds(11, SIZES);

/** Runs the reference backend (which calls checkFeeds, as every backend does) and returns its LossGraphError. */
async function rejection(feeds: Feeds, options: CompileOptions = {}): Promise<LossGraphError> {
  let error: unknown;
  try {
    await compileReference(program, options).run(feeds);
  } catch (e) {
    error = e;
  }
  expect(error, 'run should have thrown').toBeDefined();
  expect(LossGraphError.isInstance(error), `not a LossGraphError: ${String(error)}`).toBe(true);
  return error as LossGraphError;
}

function expectError(e: LossGraphError, code: LossGraphErrorCode, ...parts: (string | RegExp)[]): void {
  expect(e.code).toBe(code);
  for (const part of parts) expect(e.message).toMatch(part);
}

const replace = (name: string, t: Partial<HostTensor>): Feeds => ({
  ...base,
  [name]: { ...base[name]!, ...t } as HostTensor,
});
const numObjsAt = (b: number) => base.num_objs!.data[b]!;

describe('the valid base problem', () => {
  it('passes every check and gives finite losses', async () => {
    const out = await compileReference(program).run(base);
    expect(Number.isFinite(out.loss_l!.data[0]!) && Number.isFinite(out.loss_c!.data[0]!)).toBe(true);
    expect(numObjsAt(0)).toBeGreaterThanOrEqual(1);
  });
});

describe('feeds: presence, dtype, shape (checkFeeds)', () => {
  for (const name of ['loc_data', 'conf_data', 'dbox_list', 'targets', 'num_objs']) {
    it(`a missing '${name}' is MISSING_INPUT naming it and its expected type`, async () => {
      const feeds = { ...base };
      delete (feeds as Record<string, HostTensor>)[name];
      const e = await rejection(feeds);
      expectError(e, 'MISSING_INPUT', `'${name}'`, /\[/);
      expect(e.details.tensor).toBe(name);
    });
  }

  const wrongRank: [string, number[], string][] = [
    ['loc_data', [2, 6], '[B,P,4]'],
    ['conf_data', [2, 6, 4, 1], '[B,P,C]'],
    ['dbox_list', [24], '[P,4]'],
    ['targets', [2, 15], '[B,M,5]'],
    ['num_objs', [2, 1], '[B]'],
  ];
  for (const [name, shape, expected] of wrongRank) {
    it(`'${name}' of the wrong rank is SHAPE_MISMATCH naming it, the expected and the actual shape`, async () => {
      const e = await rejection(replace(name, { shape }));
      expectError(e, 'SHAPE_MISMATCH', `'${name}'`, `expected shape ${expected}`, `got [${shape}]`);
      expect(e.details).toMatchObject({ tensor: name, actual: shape });
    });
  }

  it('a wrong fixed dim is SHAPE_MISMATCH with the expected and actual shape', async () => {
    const e = await rejection(replace('loc_data', { shape: [2, 8, 3] }));
    expectError(e, 'SHAPE_MISMATCH', `'loc_data'`, 'expected shape [B,P,4]', 'got [2,8,3]');
  });

  for (const [name, shape] of [
    ['conf_data', [2, 5, 4]],
    ['dbox_list', [7, 4]],
  ] as const) {
    it(`P in '${name}' disagreeing with loc_data is SHAPE_MISMATCH naming both tensors and shapes`, async () => {
      const e = await rejection(replace(name, { shape: [...shape] }));
      expectError(
        e,
        'SHAPE_MISMATCH',
        `'${name}'`,
        `got [${shape}]`,
        `'loc_data' gives P = 6`,
        /expected shape \[.*6.*\]/,
      );
      expect(e.details).toMatchObject({ tensor: name, symbol: 'P', actual: shape });
    });
  }

  it('B disagreeing between inputs is SHAPE_MISMATCH naming the tensor', async () => {
    const e = await rejection(replace('num_objs', { shape: [3], data: new Int32Array(3) }));
    expectError(e, 'SHAPE_MISMATCH', `'num_objs'`, 'expected shape [2]', 'got [3]', `'loc_data' gives B = 2`);
  });

  it('a wrong dtype is DTYPE_MISMATCH naming the tensor, expected and actual dtype', async () => {
    const e = await rejection(replace('num_objs', { dtype: 'float32', data: Float32Array.from(base.num_objs!.data) }));
    expectError(e, 'DTYPE_MISMATCH', `'num_objs'`, 'expected dtype int32', 'got float32');
    expect(e.details).toMatchObject({ tensor: 'num_objs', expected: 'int32', actual: 'float32' });
  });

  it('data of the wrong array type for its dtype is DTYPE_MISMATCH naming the tensor and both types', async () => {
    const e = await rejection(replace('num_objs', { data: Float32Array.from(base.num_objs!.data) as never }));
    expectError(e, 'DTYPE_MISMATCH', `'num_objs'`, 'Int32Array', 'got Float32Array');
    const plain = await rejection(replace('loc_data', { data: Array.from(base.loc_data!.data) as never }));
    expectError(plain, 'DTYPE_MISMATCH', `'loc_data'`, 'Float32Array or Float64Array', 'got Array');
  });

  it('data whose length disagrees with the shape is SHAPE_MISMATCH naming the tensor and both sizes', async () => {
    const e = await rejection(replace('conf_data', { data: base.conf_data!.data.subarray(1) }));
    expectError(e, 'SHAPE_MISMATCH', `'conf_data'`, `needs ${2 * 6 * 4} values`, `holds ${2 * 6 * 4 - 1}`);
  });

  it('a shape with a negative or fractional dim is SHAPE_MISMATCH naming the tensor', async () => {
    for (const shape of [
      [2, -6, 4],
      [2, 6.5, 4],
    ]) {
      const e = await rejection(replace('loc_data', { shape }));
      expectError(e, 'SHAPE_MISMATCH', `'loc_data'`, 'non-negative integers', JSON.stringify(shape));
    }
  });

  it('feeds that are not an object are MISSING_INPUT', async () => {
    expectError(await rejection(null as never), 'MISSING_INPUT', 'feeds must be an object');
  });
});

describe('empty axes (checked by the loss, rejected because backends differ on zero-size tensors)', () => {
  it('M = 0 is SHAPE_MISMATCH naming targets, with the fix (pad one zero row)', async () => {
    const feeds = {
      ...base,
      targets: { dtype: 'float32', shape: [2, 0, 5], data: new Float32Array(0) },
      num_objs: { dtype: 'int32', shape: [2], data: new Int32Array(2) },
    } as Feeds;
    const e = await rejection(feeds);
    expectError(e, 'SHAPE_MISMATCH', `'targets'`, 'M >= 1', 'got [2,0,5]', 'pad');
  });

  it('B = 0, P = 0 and C = 1 are SHAPE_MISMATCH naming the tensor and the shape', async () => {
    const sized = (B: number, P: number, C: number): Feeds => ({
      loc_data: { dtype: 'float32', shape: [B, P, 4], data: new Float32Array(B * P * 4) },
      conf_data: { dtype: 'float32', shape: [B, P, C], data: new Float32Array(B * P * C) },
      dbox_list: { dtype: 'float32', shape: [P, 4], data: new Float32Array(P * 4).fill(0.5) },
      targets: { dtype: 'float32', shape: [B, 1, 5], data: new Float32Array(B * 5) },
      num_objs: { dtype: 'int32', shape: [B], data: new Int32Array(B) },
    });
    await expect(compileReference(program).run(sized(1, 3, 2))).resolves.toBeDefined();
    expectError(await rejection(sized(0, 3, 3)), 'SHAPE_MISMATCH', `'loc_data'`, 'B >= 1', 'got [0,3,4]');
    expectError(await rejection(sized(1, 0, 3)), 'SHAPE_MISMATCH', `'loc_data'`, 'P >= 1', 'got [1,0,4]');
    expectError(await rejection(sized(1, 3, 1)), 'SHAPE_MISMATCH', `'conf_data'`, 'C >= 2', 'got [1,3,1]');
  });
});

describe('values (validateMultiboxInputs)', () => {
  const cases: [string, number, number, string][] = [
    ['loc_data', 2 * 6 * 4 - 3, NaN, '[1,5,1]'],
    ['conf_data', 4 * 2 + 3, Infinity, '[0,2,3]'],
    ['dbox_list', 4 * 3 + 2, -Infinity, '[3,2]'],
  ];
  for (const [name, flat, value, index] of cases) {
    it(`${value} in '${name}' is NON_FINITE naming the tensor and the first bad index`, async () => {
      // a second bad value further on: the error reports the first
      const e = await rejection(
        withData(base, name, (d) => {
          d[flat] = value;
          d[d.length - 1] = NaN;
        }),
      );
      expectError(e, 'NON_FINITE', `'${name}'`, String(value), `at index ${index}`);
      expect(e.details).toMatchObject({ tensor: name, index: JSON.parse(index) });
    });
  }

  it('a non-finite value in a real target row is NON_FINITE naming image, row and index', async () => {
    const e = await rejection(withData(base, 'targets', (d) => (d[(1 * 3 + 0) * 5 + 2] = NaN)));
    expectError(e, 'NON_FINITE', `'targets'`, 'image 1 row 0', 'at index [1,0,2]');
    expect(e.details).toMatchObject({ tensor: 'targets', image: 1, row: 0, index: [1, 0, 2] });
  });

  it('padding rows past num_objs are ignored, even when they hold NaN or garbage', async () => {
    const padded = withData(base, 'num_objs', (d) => (d[0] = 1));
    const garbage = withData(padded, 'targets', (d) => d.fill(NaN, 5, 15));
    const want = await compileReference(program).run(padded);
    const got = await compileReference(program).run(garbage);
    expect(got.loss_l!.data[0]).toBe(want.loss_l!.data[0]);
    expect(got.loss_c!.data[0]).toBe(want.loss_c!.data[0]);
  });

  for (const [what, x1, y1, x2, y2] of [
    ['xmax = xmin', 0.3, 0.1, 0.3, 0.4],
    ['ymax < ymin', 0.1, 0.5, 0.4, 0.2],
  ] as const) {
    it(`a truth with ${what} is DEGENERATE_BOX naming image and row`, async () => {
      const e = await rejection(withData(base, 'targets', (d) => d.set([x1, y1, x2, y2], (1 * 3 + 0) * 5)));
      expectError(e, 'DEGENERATE_BOX', `'targets'`, 'image 1 row 0', 'xmax > xmin and ymax > ymin', 'log');
      expect(e.details).toMatchObject({ tensor: 'targets', image: 1, row: 0 });
    });
  }

  it('a default box of zero or negative size is DEGENERATE_BOX naming dbox_list and the row', async () => {
    for (const [k, v] of [
      [2, 0],
      [3, -0.1],
    ] as const) {
      const e = await rejection(withData(base, 'dbox_list', (d) => (d[4 * 4 + k] = v)));
      expectError(e, 'DEGENERATE_BOX', `'dbox_list'`, 'row 4', 'w > 0 and h > 0');
      expect(e.details).toMatchObject({ tensor: 'dbox_list', row: 4 });
    }
  });

  for (const label of [-1, SIZES.C - 1, 0.5]) {
    it(`label ${label} is LABEL_OUT_OF_RANGE naming image, row and the range [0, C-2]`, async () => {
      const e = await rejection(withData(base, 'targets', (d) => (d[(0 * 3 + 0) * 5 + 4] = label)));
      expectError(e, 'LABEL_OUT_OF_RANGE', `'targets'`, 'image 0 row 0', `label ${label}`, `[0, ${SIZES.C - 2}]`);
      expect(e.details).toMatchObject({ tensor: 'targets', image: 0, row: 0 });
    });
  }

  it('labels 0 and C-2 are accepted', async () => {
    const edges = withData(base, 'targets', (d) => {
      d[4] = 0;
      d[1 * 3 * 5 + 4] = SIZES.C - 2;
    });
    await expect(compileReference(program).run(edges)).resolves.toBeDefined();
  });

  for (const n of [-1, SIZES.M + 1]) {
    it(`num_objs ${n} is NUM_OBJS_OUT_OF_RANGE naming the image and M`, async () => {
      const e = await rejection(withData(base, 'num_objs', (d) => (d[1] = n)));
      expectError(e, 'NUM_OBJS_OUT_OF_RANGE', `'num_objs'`, 'image 1', String(n), `M = ${SIZES.M}`);
      expect(e.details).toMatchObject({ tensor: 'num_objs', image: 1 });
    });
  }

  it('num_objs 0 and M are accepted', async () => {
    const edges = withData(base, 'num_objs', (d) => {
      d[0] = 0;
      d[1] = SIZES.M;
    });
    const full = withData(edges, 'targets', (d) => {
      for (let r = 0; r < SIZES.M; r++)
        d.set([0.1 * r, 0.1, 0.1 * r + 0.2, 0.4, r % (SIZES.C - 1)], (1 * SIZES.M + r) * 5);
    });
    await expect(compileReference(program).run(full)).resolves.toBeDefined();
  });
});

describe('options', () => {
  const invalid: [string, unknown][] = [
    ['jacardThresh', { jacardThresh: 0.5 }],
    ['jaccardThresh', { jaccardThresh: 0 }],
    ['jaccardThresh', { jaccardThresh: 1.5 }],
    ['jaccardThresh', { jaccardThresh: NaN }],
    ['jaccardThresh', { jaccardThresh: '0.5' }],
    ['negPos', { negPos: -1 }],
    ['negPos', { negPos: Infinity }],
    ['variances', { variances: [0.1, 0] }],
    ['variances', { variances: [0.1] }],
    ['variances', { variances: '0.1,0.2' }],
    ['gradients', { gradients: 'yes' }],
    ['outputs', { outputs: ['grad_x'] }],
    ['outputs', { outputs: 'num_pos' }],
  ];
  for (const [option, value] of invalid) {
    it(`${JSON.stringify(value)} is INVALID_OPTION naming '${option}'`, () => {
      let error: unknown;
      try {
        multiboxLoss(value as never);
      } catch (e) {
        error = e;
      }
      expect(LossGraphError.isInstance(error)).toBe(true);
      expectError(error as LossGraphError, 'INVALID_OPTION', `'${option}'`);
      expect((error as LossGraphError).details.option).toBe(option);
    });
  }

  it('options that are not an object are INVALID_OPTION', () => {
    expect(() => multiboxLoss(null as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it("a non-boolean compile option 'validate' is INVALID_OPTION", async () => {
    const e = await rejection(base, { validate: 'no' as never });
    expectError(e, 'INVALID_OPTION', `'validate'`, 'boolean');
  });
});

describe('validate: false (the opt-out for hot loops)', () => {
  it('skips the value checks: a NaN input then gives NaN, silently (the documented risk)', async () => {
    // every image has a truth, so there are positives and their cross entropy reads the NaN logits
    const feeds = withData(base, 'conf_data', (d) => d.fill(NaN));
    expect((await rejection(feeds)).code).toBe('NON_FINITE');
    const out = await compileReference(program, { validate: false }).run(feeds);
    expect(out.loss_c!.data[0]).toBeNaN();
    const clean = await compileReference(program, { validate: false }).run(base);
    const checked = await compileReference(program).run(base);
    expect(clean.loss_c!.data[0]).toBe(checked.loss_c!.data[0]);
  });

  it('still checks presence, dtypes and shapes, which backends need to run at all', async () => {
    const missing = { ...base } as Record<string, HostTensor>;
    delete missing.targets;
    expectError(await rejection(missing, { validate: false }), 'MISSING_INPUT', `'targets'`);
    expectError(
      await rejection(replace('dbox_list', { shape: [7, 4] }), { validate: false }),
      'SHAPE_MISMATCH',
      `'dbox_list'`,
    );
    expectError(
      await rejection(replace('num_objs', { dtype: 'float32' }), { validate: false }),
      'DTYPE_MISMATCH',
      `'num_objs'`,
    );
  });

  it('checkFeeds with validate false returns the bound symbols without scanning values', () => {
    const feeds = withData(base, 'conf_data', (d) => d.fill(NaN));
    expect(checkFeeds(program, feeds, { validate: false })).toEqual(SIZES);
    expect(() => checkFeeds(program, feeds)).toThrow(expect.objectContaining({ code: 'NON_FINITE' }));
  });
});

describe('dispose', () => {
  it('a run after dispose() is DISPOSED', async () => {
    const compiled = compileReference(program);
    await compiled.run(base);
    await compiled.dispose();
    await compiled.dispose(); // idempotent
    const e = await compiled.run(base).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(LossGraphError.isInstance(e) && e.code).toBe('DISPOSED');
    expect((e as LossGraphError).message).toMatch(/disposed/);
  });
});

describe('options are validated for the precision they run in (float32)', () => {
  for (const [options, option] of [
    [{ jaccardThresh: 1e-46 }, 'jaccardThresh'],
    [{ variances: [1e-50, 0.2] as const }, 'variances'],
    [{ negPos: 1e-45 }, 'negPos'],
    [{ variances: [0.1, 1e39] as const }, 'variances'],
  ] as const) {
    it(`${JSON.stringify(options)} is INVALID_OPTION naming '${option}'`, () => {
      expect(() => multiboxLossProgram(options)).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTION', details: expect.objectContaining({ option }) }),
      );
    });
  }
  it('values float32 represents are accepted, and 0 negatives per positive stays allowed', () => {
    expect(() => multiboxLossProgram({ jaccardThresh: 1e-30, negPos: 0, variances: [1e-3, 5] })).not.toThrow();
  });
  it('an unknown MultiBoxLoss option names the closest valid one', () => {
    expect(() => multiboxLossProgram({ jacardThresh: 0.5 } as never)).toThrow(
      /unknown MultiBoxLoss option 'jacardThresh' \(did you mean 'jaccardThresh'\?\)/,
    );
  });
});

describe('structural checks run even with validate: false', () => {
  it('an empty batch is SHAPE_MISMATCH, not a run on B = 0', async () => {
    const empty: Feeds = {
      ...base,
      loc_data: { dtype: 'float32', shape: [0, SIZES.P, 4], data: new Float32Array(0) },
      conf_data: { dtype: 'float32', shape: [0, SIZES.P, SIZES.C], data: new Float32Array(0) },
      targets: { dtype: 'float32', shape: [0, SIZES.M, 5], data: new Float32Array(0) },
      num_objs: { dtype: 'int32', shape: [0], data: new Int32Array(0) },
    };
    expectError(await rejection(empty, { validate: false }), 'SHAPE_MISMATCH', `'loc_data'`, 'B >= 1');
  });
});
