import { describeBackend } from '../src/conformance/index.js';
import { compileReference } from '../src/index.js';

// the reference interpreter is the oracle of the op cases: they check the harness itself here
await describeBackend({ name: 'reference', compile: async (p, o) => compileReference(p, o) });
