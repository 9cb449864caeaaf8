import { fail } from '../errors.js';

export type SafetensorsDtype = 'F64' | 'F32' | 'I64' | 'I32' | 'U8' | 'BOOL';

export interface SafetensorsTensor {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** F32 -> Float32Array, F64 -> Float64Array, I32 -> Int32Array, I64 -> BigInt64Array, U8/BOOL -> Uint8Array */
  readonly data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;
}

export interface SafetensorsFile {
  readonly tensors: ReadonlyMap<string, SafetensorsTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

const BYTES: Record<SafetensorsDtype, number> = { F64: 8, F32: 4, I64: 8, I32: 4, U8: 1, BOOL: 1 };

/**
 * Parses the safetensors format (8-byte little-endian header length, JSON header, raw little-endian data).
 * `source` names the file in error messages.
 */
export function parseSafetensors(bytes: Uint8Array, source = 'safetensors'): SafetensorsFile {
  const bad = (why: string, tensor?: string): never =>
    fail('INVALID_FIXTURE', `${source}: ${tensor ? `tensor '${tensor}': ` : ''}${why}`, { file: source, tensor });
  if (bytes.length < 8) bad('file too short for a safetensors header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > bytes.length - 8) bad(`header length ${headerLen} exceeds the file`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))) as Record<string, unknown>;
  } catch {
    return bad('header is not valid JSON');
  }
  const base = 8 + headerLen;
  const tensors = new Map<string, SafetensorsTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
    const dtype = e.dtype as SafetensorsDtype;
    if (!(dtype in BYTES)) bad(`unsupported dtype ${String(e.dtype)}`, name);
    const shape =
      Array.isArray(e.shape) && e.shape.every((d) => Number.isInteger(d) && d >= 0)
        ? e.shape
        : bad('invalid shape', name);
    const [start, end] = e.data_offsets ?? [-1, -1];
    const count = shape.reduce((a, b) => a * b, 1);
    if (!(start >= 0 && end >= start && base + end <= bytes.length)) bad('data offsets outside the file', name);
    if (end - start !== count * BYTES[dtype])
      bad(`holds ${end - start} bytes, shape [${shape}] of ${dtype} needs ${count * BYTES[dtype]}`, name);
    // copy (Buffer#slice would share memory) so the typed array is aligned whatever the offset in the file
    const raw = new Uint8Array(bytes.subarray(base + start, base + end)).buffer;
    const data =
      dtype === 'F32'
        ? new Float32Array(raw)
        : dtype === 'F64'
          ? new Float64Array(raw)
          : dtype === 'I32'
            ? new Int32Array(raw)
            : dtype === 'I64'
              ? new BigInt64Array(raw)
              : new Uint8Array(raw);
    tensors.set(name, { dtype, shape, data });
  }
  return { tensors, metadata };
}

/** Serialises tensors to the safetensors format (little-endian hosts). */
export function writeSafetensors(
  tensors: Readonly<Record<string, SafetensorsTensor>>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += ' ';
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const t of Object.values(tensors)) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}
