import { dimAt } from '@lossgraph/core';
import * as tf from '@tensorflow/tfjs-core';

const int = (v: number) => tf.scalar(v, 'int32');
const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/**
 * ONNX GatherElements/ScatterElements addressing as flat positions: `idx` (int32, same rank as data,
 * equal dims except along `axis`) picks, for each of its elements, the data element at the same
 * position with the `axis` coordinate replaced by the index. Returns int32 [idx.size] positions into the
 * row-major flattened data, built with whole-tensor ops (position = idx * inner + base).
 */
export function flatPositions(idx: tf.Tensor, dataShape: readonly number[], axis: number): tf.Tensor {
  const size = dimAt(dataShape, axis);
  const inner = product(dataShape.slice(axis + 1));
  const m = dimAt(idx.shape, axis);
  const outer = product(dataShape.slice(0, axis));
  const along = tf.reshape(idx, [-1]);
  const scaled = inner === 1 ? along : tf.mul(along, int(inner));
  if (outer === 1 && inner === 1) return scaled;
  const r = tf.range(0, idx.size, 1, 'int32');
  const rowStart = outer === 1 ? null : tf.mul(tf.floorDiv(r, int(m * inner)), int(size * inner));
  const lane = inner === 1 ? null : tf.mod(r, int(inner));
  if (rowStart === null) return lane === null ? scaled : tf.add(scaled, lane);
  return tf.add(scaled, lane === null ? rowStart : tf.add(rowStart, lane));
}
