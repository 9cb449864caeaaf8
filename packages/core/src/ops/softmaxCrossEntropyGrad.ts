import { fail } from '../errors.js';
import { dimAt, sameShape } from '../ir/shape.js';
import { allocate } from '../ir/tensor-data.js';
import { defineOp } from './define.js';
import { expectDtype, FLOAT } from './rule-util.js';
import { checkLabel, expectLogitsAndLabels, rowLogSumExp } from './softmax-util.js';

/**
 * The gradient of `softmaxCrossEntropy` with respect to its logits: (softmax(logits) - onehot(label)) * g
 * per row, exactly 0 on rows where g == 0 (those rows are not evaluated, here or in any backend).
 */
export const softmaxCrossEntropyGrad = defineOp<'softmaxCrossEntropyGrad', 3>({
  arity: 3,
  rule: ([logits, labels, g]) => {
    expectLogitsAndLabels('softmaxCrossEntropyGrad', logits, labels);
    expectDtype('softmaxCrossEntropyGrad', g, FLOAT, 'g');
    if (!sameShape(g.shape, labels.shape))
      fail('INVALID_GRAPH', 'softmaxCrossEntropyGrad: g must have the shape of labels');
    return [{ dtype: 'float32', shape: logits.shape }];
  },
  kernel: ([logits, labels, g]) => {
    const c = dimAt(logits.shape, logits.shape.length - 1);
    const x = logits.data;
    const out = allocate('float32', x.length);
    for (let r = 0; r < g.data.length; r++) {
      const gr = g.data[r]!;
      if (gr === 0) continue;
      const lse = rowLogSumExp(x, r, c);
      for (let k = 0; k < c; k++) out[r * c + k] = Math.exp(x[r * c + k]! - lse) * gr;
      out[r * c + checkLabel(labels.data[r]!, c, 'softmaxCrossEntropyGrad')]! -= gr;
    }
    return [{ dtype: 'float32', shape: [...logits.shape], data: out }];
  },
  vjp: () =>
    fail(
      'UNSUPPORTED_OP',
      'softmaxCrossEntropyGrad has no gradient: second-order gradients of softmaxCrossEntropy are not supported',
      { op: 'softmaxCrossEntropyGrad' },
    ),
});
