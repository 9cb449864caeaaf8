// A compiled loss is typed by its program's input and output names: each misuse below is a type error,
// and tsc reports an `@ts-expect-error` that catches nothing as unused (TS2578), so this file type-checks
// only while every misuse is caught (test/consumer.test.ts).
import { compileReference, type HostTensor, multiboxLossProgram } from '@lossgraph/core';
import { compile } from '@lossgraph/onnxruntime-node';
import { compile as compileTfjs } from '@lossgraph/tfjs';
import type * as tf from '@tensorflow/tfjs-core';

declare const t: HostTensor;
declare const x: tf.Tensor;

export async function misuse(): Promise<void> {
  const loss = compileReference(multiboxLossProgram());
  // a misspelt feed name
  // @ts-expect-error loc_dat is not an input of the MultiBoxLoss
  await loss.run({ loc_dat: t, conf_data: t, dbox_list: t, targets: t, num_objs: t });
  // a missing feed
  // @ts-expect-error num_objs is missing
  await loss.run({ loc_data: t, conf_data: t, dbox_list: t, targets: t });
  const out = await loss.run({ loc_data: t, conf_data: t, dbox_list: t, targets: t, num_objs: t });
  void [out.loss_l, out.loss_c, out.grad_loc, out.grad_conf];
  // an output the program does not have
  // @ts-expect-error loss_x is not an output of the MultiBoxLoss
  void out.loss_x;
  // an output these options do not ask for
  // @ts-expect-error num_pos is only there with outputs: ['num_pos']
  void out.num_pos;
}

export async function onABackend(): Promise<void> {
  // the same typing through a backend's compile, with options that change the outputs
  const loss = await compile(multiboxLossProgram({ gradients: false, outputs: ['num_pos'] }));
  const out = await loss.run({ loc_data: t, conf_data: t, dbox_list: t, targets: t, num_objs: t });
  void [out.loss_l, out.loss_c, out.num_pos];
  // @ts-expect-error gradients: false
  void out.grad_conf;
  // @ts-expect-error conf_dat is not an input of the MultiBoxLoss
  await loss.run({ conf_dat: t, loc_data: t, dbox_list: t, targets: t, num_objs: t });
}

export async function onTfjsApply(): Promise<void> {
  // tfjs's apply() (tensors in, tensors out) is typed by the same names
  const loss = await compileTfjs(multiboxLossProgram({ gradients: false }));
  const losses = loss.apply({ loc_data: x, conf_data: x, dbox_list: x, targets: x, num_objs: x });
  void [losses.loss_l, losses.loss_c];
  // @ts-expect-error loc_dat is not an input of the MultiBoxLoss
  loss.apply({ loc_dat: x, conf_data: x, dbox_list: x, targets: x, num_objs: x });
  // @ts-expect-error loss_x is not an output of the MultiBoxLoss
  void losses.loss_x;
  // @ts-expect-error gradients: false, so no grad_loc to ask for
  loss.apply({ loc_data: x, conf_data: x, dbox_list: x, targets: x, num_objs: x }, ['grad_loc']);
}
