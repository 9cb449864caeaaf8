import { defaultClientConditions, defineConfig } from 'vite';

/** Cross-origin isolation, so the page gets SharedArrayBuffer and onnxruntime-web its wasm threads. */
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  resolve: {
    conditions: [
      // THE RECIPE (packages/onnxruntime-web/README.md, "Vite"): onnxruntime-web's builds that load the
      // Emscripten glue (ort-wasm-simd-threaded.mjs) from env.wasm.wasmPaths instead of inlining it into the
      // bundle. Each wasm thread is a worker that imports that glue; inlined, the worker would import the
      // app's chunks and run the app there (`document is not defined`, and compile() never settles).
      // src/ort-check.ts passes the URLs of the two files as `wasmPaths`.
      'onnxruntime-web-use-extern-wasm',
      // this workspace only: @lossgraph/* from their TypeScript sources (an app using the npm packages drops it)
      'source',
      ...defaultClientConditions,
    ],
  },
  // no gzip sizes: gzipping onnxruntime-web's 14 MB wasm would take seconds of every build
  build: { chunkSizeWarningLimit: 1500, reportCompressedSize: false },
  server: { headers: ISOLATION },
  preview: { headers: ISOLATION },
});
