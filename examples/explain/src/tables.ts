import { SHAPES, TINY_SSD } from '@lossgraph-examples/tiny-ssd/config';
import { roleOf } from './draw.js';
import type { BoxStory, Explanation } from './explanation.js';
import { PLACES, SLOT_NAMES } from './layout.js';

/** Ranks of the mining order shown past the cut. */
const PAST_CUT = 6;

const fmt = (v: number) => v.toFixed(4);

function where(index: number): string {
  const p = PLACES[index];
  if (p === undefined) return '';
  const size = TINY_SSD.featureMaps[p.map] ?? 0;
  return `${size}×${size} map, cell (${p.row}, ${p.col}), ${SLOT_NAMES[p.slot] ?? ''}`;
}

function row(cells: readonly (string | number)[], className?: string): HTMLTableRowElement {
  const tr = document.createElement('tr');
  if (className !== undefined) tr.className = className;
  for (const c of cells) tr.insertCell().textContent = String(c);
  return tr;
}

/** One row per positive: where it is, its truth, its IoU and why it matched, and its two contributions. */
export function positiveRows(
  body: HTMLElement,
  e: Explanation,
  overlaps: readonly (readonly number[])[],
  truthLabels: readonly number[],
  thresh: number,
): void {
  const positives = e.boxes.filter((b) => b.positive);
  body.replaceChildren(
    ...positives.map((b) =>
      row(
        [
          `${roleOf(b) === 'forced' ? 'F' : 'P'}${b.index}`,
          where(b.index),
          `T${b.truth} ${SHAPES[truthLabels[b.truth] ?? -1] ?? ''}`,
          fmt(overlaps[b.truth]?.[b.index] ?? 0),
          b.forced ? 'forced: best box of its truth' : `IoU ≥ ${thresh}`,
          fmt(b.smoothL1),
          fmt(b.crossEntropy),
        ],
        b.forced ? 'forced' : 'positive',
      ),
    ),
    row(
      [
        'Σ',
        `${positives.length} positives`,
        '',
        '',
        '',
        fmt(sum(positives, (b) => b.smoothL1)),
        fmt(sum(positives, (b) => b.crossEntropy)),
      ],
      'sum',
    ),
  );
}

function sum(boxes: readonly BoxStory[], f: (b: BoxStory) => number): number {
  return boxes.reduce((s, b) => s + f(b), 0);
}

/**
 * The negatives in the order hard negative mining ranks them (mining score = cross entropy against
 * background, descending), with the cut after ceil(negPos · num_pos) ranks, a few ranks past it.
 */
export function miningRows(body: HTMLElement, e: Explanation, negPos: number): void {
  const ranked = [...e.boxes].sort((a, b) => a.miningRank - b.miningRank);
  const shown = ranked.slice(0, e.quota + PAST_CUT);
  const rows: HTMLTableRowElement[] = [];
  shown.forEach((b, r) => {
    if (r === e.quota) rows.push(cutRow(e, negPos));
    const kept = b.positive ? 'positive (counted as one)' : b.minedNegative ? 'kept: mined negative' : 'dropped';
    rows.push(
      row(
        [
          r,
          `${b.positive ? 'P' : b.minedNegative ? 'N' : ''}${b.index}`,
          where(b.index),
          fmt(b.miningScore),
          kept,
          b.positive || b.minedNegative ? fmt(b.crossEntropy) : '—',
        ],
        b.minedNegative ? 'mined' : b.positive ? 'positive' : 'dropped',
      ),
    );
  });
  if (shown.length <= e.quota) rows.push(cutRow(e, negPos));
  const mined = e.boxes.filter((b) => b.minedNegative);
  rows.push(row(['Σ', `${mined.length} mined negatives`, '', '', '', fmt(sum(mined, (b) => b.crossEntropy))], 'sum'));
  body.replaceChildren(...rows);
}

function cutRow(e: Explanation, negPos: number): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.className = 'cut';
  const td = tr.insertCell();
  td.colSpan = 6;
  td.textContent = `✂ cut: ceil(negPos · num_pos) = ceil(${negPos} · ${e.numPos}) = ${e.quota} ranks kept above this line`;
  return tr;
}
