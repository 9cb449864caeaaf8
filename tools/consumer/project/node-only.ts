// Node entry of @lossgraph/onnxruntime-web (export condition `node`): its extra export has types too.
import { ortDistUrl } from '@lossgraph/onnxruntime-web';

export const ortDist: string = ortDistUrl();
