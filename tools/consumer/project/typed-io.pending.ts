// PENDING (issue 9, then the typing of compiled losses): a compiled loss typed by its program's input and
// output names. Today `Feeds` and `Outputs` are string records, so none of the lines below is an error and
// tsc reports each `@ts-expect-error` as unused (TS2578): test/consumer.test.ts expects exactly that while
// TYPED_IO is 'pending', and no error at all once it is switched to 'on'.
import { compileReference, multiboxLossProgram, type HostTensor } from '@lossgraph/core';

declare const t: HostTensor;
const loss = compileReference(multiboxLossProgram());

export async function misuse(): Promise<void> {
  // a misspelt feed name
  // @ts-expect-error loc_dat is not an input of the MultiBoxLoss
  await loss.run({ loc_dat: t, conf_data: t, dbox_list: t, targets: t, num_objs: t });
  // a missing feed
  // @ts-expect-error num_objs is missing
  await loss.run({ loc_data: t, conf_data: t, dbox_list: t, targets: t });
  const out = await loss.run({ loc_data: t, conf_data: t, dbox_list: t, targets: t, num_objs: t });
  // an output the program does not have
  // @ts-expect-error loss_x is not an output of the MultiBoxLoss
  void out.loss_x;
}
