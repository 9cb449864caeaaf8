/**
 * Writes a folder of corrupted fixtures from a committed one, one defect per file, for checking that
 * `bench validate` reports each as a failed row naming the offending tensor. Run it directly:
 *
 *   npx tsx --conditions=source apps/bench/test/support/corrupt-fixtures.ts OUT_DIR [SOURCE.safetensors]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseSafetensors, type SafetensorsTensor, writeSafetensors } from '@lossgraph/core';
import { repoFixturesDir } from '@lossgraph/core/testing';

type Tensors = Map<string, SafetensorsTensor>;

/** One defect: the file it goes to, the tensor the error must name, and what the message must say. */
export interface Corruption {
  readonly file: string;
  readonly tensor: string;
  /** a fragment of the expected error message besides the tensor name */
  readonly says: RegExp;
  readonly apply: (t: Tensors) => void;
}

function edited(t: Tensors, name: string, edit: (data: Float32Array | Int32Array) => void): void {
  const old = t.get(name)!;
  const data = old.data.slice() as Float32Array | Int32Array;
  edit(data);
  t.set(name, { ...old, data });
}

/** First real truth row: [image, flat offset of the row in targets]. */
function firstRow(t: Tensors): [number, number] {
  const counts = t.get('num_objs')!.data as Int32Array;
  const b = counts.findIndex((n) => n > 0);
  if (b < 0) throw new Error('the source fixture needs an image with truths');
  return [b, b * t.get('targets')!.shape[1]! * 5];
}

export const CORRUPTIONS: readonly Corruption[] = [
  {
    file: 'nan_loc_data',
    tensor: 'loc_data',
    says: /non-finite value NaN at index \[0,0,2\]/,
    apply: (t) => edited(t, 'loc_data', (d) => (d[2] = NaN)),
  },
  {
    file: 'inf_conf_data',
    tensor: 'conf_data',
    says: /non-finite value Infinity at index \[0,1,0\]/,
    apply: (t) => edited(t, 'conf_data', (d) => (d[t.get('conf_data')!.shape[2]!] = Infinity)),
  },
  {
    file: 'neg_inf_dbox_list',
    tensor: 'dbox_list',
    says: /non-finite value -Infinity/,
    apply: (t) => edited(t, 'dbox_list', (d) => (d[5] = -Infinity)),
  },
  {
    file: 'nan_targets',
    tensor: 'targets',
    says: /image \d+ row 0 holds a non-finite value NaN/,
    apply: (t) => edited(t, 'targets', (d) => (d[firstRow(t)[1] + 3] = NaN)),
  },
  {
    file: 'degenerate_box',
    tensor: 'targets',
    says: /image \d+ row 0: .*xmax > xmin/,
    apply: (t) => edited(t, 'targets', (d) => (d[firstRow(t)[1] + 2] = d[firstRow(t)[1]]! - 0.01)),
  },
  {
    file: 'label_out_of_range',
    tensor: 'targets',
    says: /image \d+ row 0: label \d+ outside \[0, \d+\]/,
    apply: (t) => edited(t, 'targets', (d) => (d[firstRow(t)[1] + 4] = t.get('conf_data')!.shape[2]! - 1)),
  },
  {
    file: 'num_objs_above_m',
    tensor: 'num_objs',
    says: /image 0: \d+ real rows, expected 0 <= num_objs\[0\] <= M = \d+/,
    apply: (t) => edited(t, 'num_objs', (d) => (d[0] = t.get('targets')!.shape[1]! + 1)),
  },
  {
    file: 'shape_mismatch',
    tensor: 'conf_data',
    says: /has shape \[.*\], expected \[/,
    apply: (t) => {
      const c = t.get('conf_data')!;
      const [B, P, C] = c.shape as [number, number, number];
      t.set('conf_data', {
        dtype: 'F32',
        shape: [B, P - 1, C],
        data: (c.data as Float32Array).slice(0, B * (P - 1) * C),
      });
    },
  },
  {
    file: 'wrong_dtype',
    tensor: 'num_objs',
    says: /has dtype F32, expected I32/,
    apply: (t) =>
      t.set('num_objs', {
        dtype: 'F32',
        shape: t.get('num_objs')!.shape,
        data: Float32Array.from(t.get('num_objs')!.data as Int32Array),
      }),
  },
  { file: 'missing_tensor', tensor: 'targets', says: /is missing/, apply: (t) => void t.delete('targets') },
];

/** The committed fixture the corrupted files start from: several images, padding rows, real truths. */
export function defaultSource(): string {
  return join(repoFixturesDir(), 'm_padding.safetensors');
}

/** Writes `<source name>__<defect>.safetensors` for every corruption into `dir`; returns what was written. */
export function writeCorruptedFixtures(
  dir: string,
  source = defaultSource(),
): { path: string; corruption: Corruption }[] {
  mkdirSync(dir, { recursive: true });
  const original = parseSafetensors(readFileSync(source), source);
  const base = source
    .split('/')
    .pop()!
    .replace(/\.safetensors$/, '');
  return CORRUPTIONS.map((corruption) => {
    const tensors = new Map(original.tensors);
    corruption.apply(tensors);
    const path = join(dir, `${base}__${corruption.file}.safetensors`);
    writeFileSync(path, writeSafetensors(Object.fromEntries(tensors), { ...original.metadata }));
    return { path, corruption };
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [dir, source] = process.argv.slice(2);
  if (dir === undefined) {
    process.stderr.write('usage: corrupt-fixtures.ts OUT_DIR [SOURCE.safetensors]\n');
    process.exit(2);
  }
  for (const { path, corruption } of writeCorruptedFixtures(dir, source))
    process.stdout.write(`${path}  (bad '${corruption.tensor}')\n`);
}
