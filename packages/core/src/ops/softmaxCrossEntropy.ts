import { first } from '../ir/at.js';
import { dimAt } from '../ir/shape.js';
import { allocate } from '../ir/tensor-data.js';
import { defineOp } from './define.js';
import { checkLabel, expectLogitsAndLabels, rowLogSumExp } from './softmax-util.js';

/**
 * Per-row cross entropy over the last axis: logsumexp(logits) - logits[label], for logits [..., C] and
 * int32 labels [...]. The VJP is its own op, `softmaxCrossEntropyGrad`, which backends evaluate only on
 * the rows that get a nonzero gradient.
 */
export const softmaxCrossEntropy = defineOp<'softmaxCrossEntropy', 2>({
  arity: 2,
  rule: ([logits, labels]) => {
    expectLogitsAndLabels('softmaxCrossEntropy', logits, labels);
    return [{ dtype: 'float32', shape: labels.shape }];
  },
  kernel: ([logits, labels]) => {
    const c = dimAt(logits.shape, logits.shape.length - 1);
    const out = allocate('float32', labels.data.length);
    for (let r = 0; r < out.length; r++)
      out[r] =
        rowLogSumExp(logits.data, r, c) - logits.data[r * c + checkLabel(labels.data[r]!, c, 'softmaxCrossEntropy')]!;
    return [{ dtype: 'float32', shape: [...labels.shape], data: out }];
  },
  vjp: ({ inputs: [logits, labels], grads: [g] }) => [
    first(g.builder.apply('softmaxCrossEntropyGrad', [logits, labels, g], {})),
    undefined,
  ],
});
