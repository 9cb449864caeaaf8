import type { GraphBuilder, Tensor } from '../builder.js';

/** A named tensor of a model, at the fixed shape the model was imported with. */
export interface ModelTensorInfo {
  readonly name: string;
  readonly shape: readonly number[];
}

/** An initial value a model carries (a trainable parameter or a running statistic). */
export interface ModelInitializer extends ModelTensorInfo {
  readonly data: Float32Array;
}

/** What a model's forward adds to a graph. */
export interface ModelForward {
  /** the model's outputs by name */
  readonly outputs: Readonly<Record<string, Tensor>>;
  /**
   * In train mode, each running statistic after this forward (PyTorch's rule: batch mean, unbiased batch
   * variance, momentum), by the state's name; empty in eval mode.
   */
  readonly nextState: Readonly<Record<string, Tensor>>;
}

/** The tensors a model's forward reads: its inputs, its parameters and its state, each by name. */
export interface ModelFeeds {
  readonly inputs: Readonly<Record<string, Tensor>>;
  readonly parameters: Readonly<Record<string, Tensor>>;
  readonly state: Readonly<Record<string, Tensor>>;
}

/**
 * A differentiable model as a function that writes its forward into a GraphBuilder. The ONNX importer in
 * `@lossgraph/onnx` makes one from a PyTorch export; a training step joins it to a loss and an optimizer.
 * Parameters and state are graph inputs of the step that uses the model, so one compiled step serves
 * every step of training.
 */
export interface ModelGraph {
  readonly inputs: readonly ModelTensorInfo[];
  readonly outputs: readonly ModelTensorInfo[];
  /** trainable parameters, named like PyTorch's state_dict keys, in the model's order */
  readonly parameters: readonly ModelInitializer[];
  /** BatchNorm running statistics (`running_mean`, `running_var`), in the model's order */
  readonly state: readonly ModelInitializer[];
  /**
   * Emits the forward. `train`: BatchNorm uses batch statistics and reports the next running stats;
   * `eval`: BatchNorm uses the running stats.
   */
  emit(b: GraphBuilder, feeds: ModelFeeds, mode: 'train' | 'eval'): ModelForward;
}
