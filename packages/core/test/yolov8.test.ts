import { describe, expect, it } from 'vitest';
import { compileReference, yolov8FixtureFailures, yolov8LossProgram } from '../src/index.js';
import { loadYolov8Fixture, yolov8FixturePaths, yolov8SamplePath } from './yolov8-fixtures.js';

const sample = yolov8SamplePath();
const paths = [...(sample === undefined ? [] : [sample]), ...yolov8FixturePaths()];

describe('yolov8 loss on the reference interpreter agrees with the fixtures (docs/FIXTURES.md tolerances)', () => {
  it('finds the fixtures', () => {
    expect(yolov8FixturePaths().length).toBeGreaterThanOrEqual(10);
  });
  for (const path of paths) {
    const fx = loadYolov8Fixture(path);
    it(`${fx.name}${path === sample ? ' (written by Ultralytics)' : ''}`, async () => {
      const program = yolov8LossProgram({ ...fx.options, outputs: ['fg_mask', 'target_gt_idx'] });
      const out = await compileReference(program).run(fx.feeds);
      expect(yolov8FixtureFailures(out, fx)).toEqual([]);
    });
  }
});
