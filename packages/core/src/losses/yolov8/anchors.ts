import type { HostTensor } from '../../backend/contract.js';
import { fail } from '../../errors.js';

/** An image size and the strides of the detection levels. */
export interface YoloAnchorConfig {
  /** image side in pixels, or [height, width] */
  readonly imageSize: number | readonly [number, number];
  /** stride of each level, in the order the head's maps are flattened. Default [8, 16, 32]. */
  readonly strides?: readonly number[];
}

/**
 * The anchors of a YOLOv8 head, as Ultralytics' make_anchors with offset 0.5: level after level, each
 * level's (H/s)·(W/s) cells row-major (row outer, column inner); `anchor_points` [A, 2] holds the cell
 * centre (column + 0.5, row + 0.5) in grid units of its level, `stride_tensor` [A, 1] the level's stride
 * in pixels. The image sides must be multiples of every stride (as Ultralytics rounds its image size up).
 */
export function yoloAnchors(config: YoloAnchorConfig): { anchor_points: HostTensor; stride_tensor: HostTensor } {
  const { imageSize, strides = [8, 16, 32] } = config;
  const [height, width] = typeof imageSize === 'number' ? [imageSize, imageSize] : imageSize;
  const positive = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x > 0;
  if (!positive(height) || !positive(width)) {
    fail(
      'INVALID_OPTION',
      `yoloAnchors: 'imageSize' must be a positive integer or two, got ${JSON.stringify(imageSize)}`,
      {
        option: 'imageSize',
      },
    );
  }
  if (!Array.isArray(strides) || strides.length === 0 || !strides.every(positive)) {
    fail(
      'INVALID_OPTION',
      `yoloAnchors: 'strides' must be a non-empty list of positive integers, got ${JSON.stringify(strides)}`,
      {
        option: 'strides',
      },
    );
  }
  for (const s of strides) {
    if (height % s !== 0 || width % s !== 0) {
      fail('INVALID_OPTION', `yoloAnchors: image ${height}x${width} is not a multiple of stride ${s}`, {
        option: 'imageSize',
      });
    }
  }
  const count = strides.reduce((n, s) => n + (height / s) * (width / s), 0);
  const points = new Float32Array(count * 2);
  const strideData = new Float32Array(count);
  let a = 0;
  for (const s of strides) {
    for (let row = 0; row < height / s; row++) {
      for (let column = 0; column < width / s; column++, a++) {
        points[2 * a] = column + 0.5;
        points[2 * a + 1] = row + 0.5;
        strideData[a] = s;
      }
    }
  }
  return {
    anchor_points: { dtype: 'float32', shape: [count, 2], data: points },
    stride_tensor: { dtype: 'float32', shape: [count, 1], data: strideData },
  };
}
