import type { CurveRow } from './types';

export interface NiceAxis {
  domain: [number, number];
  ticks: number[];
}

const MAX_TICK_INTERVALS = 5;

/** The smallest 1, 2 or 5 x 10^k step that splits `range` into at most MAX_TICK_INTERVALS. */
function tickStep(range: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(range / MAX_TICK_INTERVALS));
  for (const factor of [1, 2, 5, 10]) {
    if (range / (factor * magnitude) <= MAX_TICK_INTERVALS) return factor * magnitude;
  }
  return 10 * magnitude;
}

function clean(value: number): number {
  return Number(value.toPrecision(12));
}

/**
 * A y axis through round numbers around the data: losses of 11.3-17.7 get 10, 12, ..., 18.
 * No data gives [0, 1]; a single value gets a step either side.
 */
export function niceAxis(rows: readonly CurveRow[], keys: readonly string[]): NiceAxis {
  const values = rows.flatMap((row) =>
    keys.map((key) => row[key]).filter((value): value is number => typeof value === 'number'),
  );
  if (values.length === 0) return { domain: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1] };
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (max === min) {
    const pad = Math.abs(max) / 10 || 1;
    min -= pad;
    max += pad;
  }
  const step = tickStep(max - min);
  const low = clean(Math.floor(min / step) * step);
  const high = clean(Math.ceil(max / step) * step);
  const ticks: number[] = [];
  for (let index = 0; low + index * step <= high + step / 2; index += 1) {
    ticks.push(clean(low + index * step));
  }
  return { domain: [low, high], ticks };
}
