/**
 * COCO run-length masks (`{size: [h, w], counts}`, column-major runs starting with background) with
 * the compressed string form pycocotools writes, so predicted masks the API sends as RLE can be drawn
 * and, once edited, turned into polygons.
 */
import { at, emptyMask, type Mask } from './geometry';

export interface Rle {
  size: readonly [number, number] | readonly number[];
  counts: string | readonly number[];
}

/** The run lengths of a compressed COCO counts string (pycocotools' rleFrString). */
export function decodeCounts(text: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < text.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      const c = text.charCodeAt(p) - 48;
      x |= (c & 0x1f) << (5 * k);
      more = (c & 0x20) !== 0;
      p += 1;
      k += 1;
      if (!more && (c & 0x10) !== 0) x |= -1 << (5 * k);
    }
    if (counts.length > 2) x += at(counts, counts.length - 2);
    counts.push(x);
  }
  return counts;
}

/** The compressed COCO counts string of run lengths (pycocotools' rleToString). */
export function encodeCounts(counts: readonly number[]): string {
  let text = '';
  counts.forEach((count, index) => {
    let x = index > 2 ? count - at(counts, index - 2) : count;
    let more = true;
    while (more) {
      let c = x & 0x1f;
      x >>= 5;
      more = (c & 0x10) !== 0 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      text += String.fromCharCode(c + 48);
    }
  });
  return text;
}

function runsOf(rle: Rle): number[] {
  return typeof rle.counts === 'string' ? decodeCounts(rle.counts) : [...rle.counts];
}

/** The bounding box (in pixels) of an RLE's set pixels, or null when it is empty. */
export function rleBox(rle: Rle): { x0: number; y0: number; x1: number; y1: number } | null {
  const h = rle.size[0];
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  let index = 0;
  runsOf(rle).forEach((run, i) => {
    if (i % 2 === 1 && run > 0) {
      const first = index;
      const last = index + run - 1;
      const colFirst = Math.floor(first / h);
      const colLast = Math.floor(last / h);
      x0 = Math.min(x0, colFirst);
      x1 = Math.max(x1, colLast + 1);
      if (colFirst === colLast) {
        y0 = Math.min(y0, first % h);
        y1 = Math.max(y1, (last % h) + 1);
      } else {
        y0 = 0;
        y1 = h;
      }
    }
    index += run;
  });
  return x0 === Infinity ? null : { x0, y0, x1, y1 };
}

/** Calls `visit(x, y, length)` for each vertical run of set pixels (column-major). */
export function forEachRun(rle: Rle, visit: (x: number, y: number, length: number) => void): void {
  const h = rle.size[0];
  let index = 0;
  runsOf(rle).forEach((run, i) => {
    if (i % 2 === 1) {
      let remaining = run;
      let at = index;
      while (remaining > 0) {
        const y = at % h;
        const length = Math.min(remaining, h - y);
        visit(Math.floor(at / h), y, length);
        at += length;
        remaining -= length;
      }
    }
    index += run;
  });
}

/** The RLE rasterised into a mask over its own bounding box (coarser for a very large one). */
export function rleToMask(rle: Rle): Mask | null {
  const box = rleBox(rle);
  if (box === null) return null;
  const [h, w] = rle.size as [number, number];
  const mask = emptyMask(box, w, h);
  forEachRun(rle, (x, y, length) => {
    const col = Math.floor((x - mask.x0) / mask.scale);
    if (col < 0 || col >= mask.w) return;
    for (let yy = y; yy < y + length; yy += 1) {
      const row = Math.floor((yy - mask.y0) / mask.scale);
      if (row >= 0 && row < mask.h) mask.data[row * mask.w + col] = 1;
    }
  });
  return mask;
}
