import {
  type CompileFunction,
  type CoreOptions,
  defineBackend,
  type Graph,
  inputName,
  LossGraphError,
  type OptionRules,
} from '@lossgraph/core';
import { type OnnxProvider, toOnnxModel } from '@lossgraph/onnx';
import type { InferenceSession, TensorConstructor } from 'onnxruntime-common';
import { type OrtCompileOptions, type OrtResolved, ortOptionRules } from './options.js';
import { firstThatStarts, type ProviderFailure, reasonOf } from './providers.js';
import { ortResident } from './resident.js';
import { downloadedResults, fromOrtOutputs, toOrtFeeds } from './tensors.js';

/** A session as the skeleton runs it: an InferenceSession, or anything that runs like one (a shared lease). */
export interface OrtSessionHandle {
  run(feeds: InferenceSession.FeedsType, fetches: readonly string[]): Promise<InferenceSession.ReturnType>;
  release(): Promise<void>;
}

/** A session opened on one execution provider, with the Tensor constructor of the runtime that made it. */
export interface OpenedSession {
  readonly session: OrtSessionHandle;
  readonly Tensor: TensorConstructor;
  /** set when this session cannot survive a failing kernel: value scans then always run (and why) */
  readonly valueChecksRequired?: string;
  /** true when the session places the `keepOutputs` outputs in GPU buffers (`preferredOutputLocation`) */
  readonly keptOnDevice?: boolean;
}

/** What one ONNX Runtime package supplies: its platform (loading, which providers exist, sessions). */
export interface OrtPlatform<EP extends OnnxProvider, R extends object> {
  /** the runtime package, e.g. 'onnxruntime-node': names the backend ('onnxruntime-node-cpu') and its errors */
  readonly runtime: string;
  /** the execution providers this package drives, and the default preference list */
  readonly providers: readonly EP[];
  readonly defaultProviders: readonly EP[];
  /** options of this runtime beyond `executionProviders`, `graphOptimizationLevel`, `validate`, `timeouts` */
  readonly options: OptionRules<R>;
  /** 'serial' when a session runs one call at a time */
  readonly concurrency: 'parallel' | 'serial';
  /**
   * Opens a session on exactly this one provider, or throws with the reason it cannot start. `model`
   * builds the ONNX bytes for that provider (call it once); `graph` is there for cache keys.
   */
  openSession(
    graph: Graph,
    model: () => Uint8Array,
    ep: EP,
    options: OrtResolved<EP> & R & CoreOptions,
  ): Promise<OpenedSession>;
  /** appended to the error when no provider starts (e.g. how to install the CUDA provider) */
  readonly unavailableHint?: (failures: readonly ProviderFailure[]) => string | undefined;
}

/**
 * The compile function of an ONNX Runtime backend: the graph (gradient part included) becomes one ONNX
 * model for the provider, opened on the first execution provider of the list that starts; runs convert feeds and
 * outputs. Everything else (checks, dispose, timeouts) is core's `defineBackend`.
 */
export function defineOrtBackend<EP extends OnnxProvider, Opts extends OrtCompileOptions<EP>, R extends object>(
  platform: OrtPlatform<EP, R>,
): CompileFunction<Opts> {
  const { runtime } = platform;
  return defineBackend<Opts, OrtResolved<EP> & R>({
    name: runtime,
    concurrency: platform.concurrency,
    options: { ...ortOptionRules(platform.providers, platform.defaultProviders), ...platform.options } as OptionRules<
      OrtResolved<EP> & R
    >,
    async compileGraph(graph, options) {
      // one model per provider kind: WebGPU gets forms of the ops its provider lacks (see @lossgraph/onnx)
      const models = new Map<EP, Uint8Array>();
      const build = (p: EP) => () => {
        let model = models.get(p);
        if (model === undefined) {
          model = toOnnxModel(graph, { provider: p });
          models.set(p, model);
        }
        return model;
      };
      const { ep, opened } = await firstThatStarts(
        runtime,
        options.executionProviders,
        (p) => platform.openSession(graph, build(p), p, options),
        platform.unavailableHint,
      );
      const inputNames = graph.inputs.map((id) => inputName(graph, id));
      return {
        device: ep,
        ...(opened.valueChecksRequired === undefined ? {} : { valueChecksRequired: opened.valueChecksRequired }),
        async run(feeds, outputs) {
          let results: InferenceSession.ReturnType;
          try {
            results = await opened.session.run(toOrtFeeds(opened.Tensor, feeds, inputNames), outputs);
          } catch (cause) {
            throw new LossGraphError(
              'KERNEL_ERROR',
              `${runtime} (${ep}) failed to run the graph: ${reasonOf(cause)}`,
              { runtime, executionProvider: ep },
              { cause },
            );
          }
          return fromOrtOutputs(runtime, await downloadedResults(opened.Tensor, results, outputs), outputs);
        },
        dispose: () => opened.session.release(),
        resident: ortResident({
          runtime,
          ep,
          Tensor: opened.Tensor,
          inputNames,
          keptOnDevice: opened.keptOnDevice ?? false,
          run: (feeds, fetches) => opened.session.run(feeds, fetches),
        }),
      };
    },
  });
}
