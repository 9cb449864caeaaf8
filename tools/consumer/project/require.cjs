// Every published package from CommonJS (Node >= 20.19 can require() ES modules through `default`).
const checks = {
  '@lossgraph/core': ['multiboxLossProgram', 'compileReference', 'LossGraphError'],
  '@lossgraph/core/testing': ['compareWithFixture', 'seededRandom'],
  '@lossgraph/tfjs': ['compile'],
  '@lossgraph/onnx': ['toOnnxModel'],
  '@lossgraph/onnxruntime-common': ['defineOrtBackend'],
  '@lossgraph/onnxruntime-node': ['compile'],
  '@lossgraph/onnxruntime-web': ['compile', 'ortDistUrl'],
};
const found = {};
for (const [name, exports] of Object.entries(checks)) {
  const mod = require(name);
  const missing = exports.filter((e) => typeof mod[e] !== 'function');
  if (missing.length > 0) throw new Error(`require('${name}') lacks ${missing.join(', ')}`);
  found[name] = exports;
}
const { version } = require('@lossgraph/core/package.json');
console.log(JSON.stringify({ found, coreVersion: version }));
