// Browser entry of @lossgraph/onnxruntime-web (no `node` condition under moduleResolution bundler): the
// Node-only export is not in its types.
// @ts-expect-error ortDistUrl is exported by the Node entry only
import { ortDistUrl } from '@lossgraph/onnxruntime-web';

export const missing: unknown = ortDistUrl;
