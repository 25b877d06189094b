/**
 * Pure geometry of the mask editor, in image pixel coordinates: polygons, a bitmap mask over a
 * bounding box (what brush, erase and split work on), and the tracing of a mask back to polygons.
 *
 * Brush strokes become polygons on save (not RLE): the dataset formats this app trains on (YOLO-seg)
 * and its viewers store polygons, a polygon stays editable and cheap to draw as a Path2D at any
 * zoom, and a thin crack's outline is a few hundred points where its RLE over a 6000x4000 photo is
 * thousands of runs. Holes (an erased spot inside a blob) cannot be a simple polygon: the outer
 * outline is kept, which for thin cracks almost never matters.
 */

export type Point = readonly [number, number];
export type Polygon = readonly Point[];

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A binary mask covering `w` x `h` cells from (x0, y0); one cell is `scale` image pixels. */
export interface Mask {
  x0: number;
  y0: number;
  w: number;
  h: number;
  scale: number;
  data: Uint8Array;
}

/** Cells a mask may hold: a larger region is worked on at a coarser scale. */
export const MAX_MASK_CELLS = 4_000_000;

/** The item at `index`; reading outside the list is a bug, so it throws instead of going on. */
export function at<T>(list: ArrayLike<T>, index: number): T {
  const item = list[index];
  if (item === undefined) throw new RangeError(`index ${index} outside 0..${list.length - 1}`);
  return item;
}

export function signedArea(polygon: Polygon): number {
  let sum = 0;
  for (let i = 0; i < polygon.length; i += 1) {
    const [x1, y1] = at(polygon, i);
    const [x2, y2] = at(polygon, (i + 1) % polygon.length);
    sum += x1 * y2 - x2 * y1;
  }
  return sum / 2;
}

export function polygonArea(polygon: Polygon): number {
  return Math.abs(signedArea(polygon));
}

export function pointInPolygon([px, py]: Point, polygon: Polygon): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i, i += 1) {
    const [xi, yi] = at(polygon, i);
    const [xj, yj] = at(polygon, j);
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function boxOf(points: Iterable<Point>): Box {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const [x, y] of points) {
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  return { x0, y0, x1, y1 };
}

export function unionBox(a: Box, b: Box): Box {
  return {
    x0: Math.min(a.x0, b.x0),
    y0: Math.min(a.y0, b.y0),
    x1: Math.max(a.x1, b.x1),
    y1: Math.max(a.y1, b.y1),
  };
}

export function boxesOverlap(a: Box, b: Box): boolean {
  return a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1;
}

/** An empty mask over `box` (grown by a cell, clipped to the image), coarse enough to stay small. */
export function emptyMask(box: Box, width: number, height: number): Mask {
  const x0 = Math.max(0, Math.floor(box.x0) - 1);
  const y0 = Math.max(0, Math.floor(box.y0) - 1);
  const x1 = Math.min(width, Math.ceil(box.x1) + 1);
  const y1 = Math.min(height, Math.ceil(box.y1) + 1);
  const area = Math.max(1, (x1 - x0) * (y1 - y0));
  const scale = Math.max(1, Math.ceil(Math.sqrt(area / MAX_MASK_CELLS)));
  const w = Math.max(1, Math.ceil((x1 - x0) / scale));
  const h = Math.max(1, Math.ceil((y1 - y0) / scale));
  return { x0, y0, w, h, scale, data: new Uint8Array(w * h) };
}

/** Sets (value 1) or clears (0) the cells whose centre lies inside the polygon (even-odd scanlines). */
export function fillPolygon(mask: Mask, polygon: Polygon, value: 0 | 1): void {
  const n = polygon.length;
  if (n < 3) return;
  const { x0, y0, w, h, scale, data } = mask;
  const crossings: number[] = [];
  for (let row = 0; row < h; row += 1) {
    const y = y0 + (row + 0.5) * scale;
    crossings.length = 0;
    for (let i = 0, j = n - 1; i < n; j = i, i += 1) {
      const [xi, yi] = at(polygon, i);
      const [xj, yj] = at(polygon, j);
      if (yi > y !== yj > y) crossings.push(xi + ((y - yi) * (xj - xi)) / (yj - yi));
    }
    crossings.sort((a, b) => a - b);
    for (let k = 0; k + 1 < crossings.length; k += 2) {
      // cells whose centre x0 + (col + 0.5) * scale lies in [left, right)
      const from = Math.max(0, Math.ceil((at(crossings, k) - x0) / scale - 0.5));
      const to = Math.min(w - 1, Math.ceil((at(crossings, k + 1) - x0) / scale - 0.5) - 1);
      data.fill(value, row * w + from, row * w + to + 1);
    }
  }
}

/** Paints a round brush of `radius` px along a stroke (discs every half radius) with `value`. */
export function paintStroke(mask: Mask, stroke: Polygon, radius: number, value: 0 | 1): void {
  const step = Math.max(0.5, radius / 2);
  const disc = (cx: number, cy: number) => {
    paintDisc(mask, cx, cy, radius, value);
  };
  if (stroke.length === 1) {
    const [x, y] = at(stroke, 0);
    disc(x, y);
    return;
  }
  for (let i = 1; i < stroke.length; i += 1) {
    const [ax, ay] = at(stroke, i - 1);
    const [bx, by] = at(stroke, i);
    const steps = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) / step));
    for (let s = 0; s <= steps; s += 1)
      disc(ax + ((bx - ax) * s) / steps, ay + ((by - ay) * s) / steps);
  }
}

function paintDisc(mask: Mask, cx: number, cy: number, radius: number, value: 0 | 1): void {
  const { x0, y0, w, h, scale, data } = mask;
  const r = Math.max(radius, scale / 2);
  const rowFrom = Math.max(0, Math.floor((cy - r - y0) / scale));
  const rowTo = Math.min(h - 1, Math.ceil((cy + r - y0) / scale));
  for (let row = rowFrom; row <= rowTo; row += 1) {
    const dy = y0 + (row + 0.5) * scale - cy;
    if (Math.abs(dy) > r) continue;
    const half = Math.sqrt(r * r - dy * dy);
    const from = Math.max(0, Math.ceil((cx - half - x0) / scale - 0.5));
    const to = Math.min(w - 1, Math.floor((cx + half - x0) / scale - 0.5));
    if (to >= from) data.fill(value, row * w + from, row * w + to + 1);
  }
}

export function maskCount(mask: Mask): number {
  let count = 0;
  for (const cell of mask.data) count += cell;
  return count;
}

/**
 * The outer outlines of a mask's 4-connected regions, as polygons in image pixels (clockwise on
 * screen), simplified to within `tolerance` px. Each cell edge between a set and a clear cell is a
 * directed edge with the set cell on its right; the edges chain into closed loops; loops of positive
 * area are outlines, negative ones are holes (dropped).
 */
export function traceOutlines(mask: Mask, tolerance = 0.75): Point[][] {
  const { w, h, data } = mask;
  const cell = (col: number, row: number) =>
    col >= 0 && row >= 0 && col < w && row < h ? at(data, row * w + col) : 0;
  const vertex = (col: number, row: number) => row * (w + 1) + col;
  // outgoing edges per vertex: the end vertex of each (at most two leave a vertex)
  const next = new Map<number, number[]>();
  const addEdge = (from: number, to: number) => {
    const list = next.get(from);
    if (list === undefined) next.set(from, [to]);
    else list.push(to);
  };
  for (let row = 0; row < h; row += 1) {
    for (let col = 0; col < w; col += 1) {
      if (cell(col, row) === 0) continue;
      if (cell(col, row - 1) === 0) addEdge(vertex(col, row), vertex(col + 1, row));
      if (cell(col + 1, row) === 0) addEdge(vertex(col + 1, row), vertex(col + 1, row + 1));
      if (cell(col, row + 1) === 0) addEdge(vertex(col + 1, row + 1), vertex(col, row + 1));
      if (cell(col - 1, row) === 0) addEdge(vertex(col, row + 1), vertex(col, row));
    }
  }
  const toPoint = (v: number): Point => [
    mask.x0 + (v % (w + 1)) * mask.scale,
    mask.y0 + Math.floor(v / (w + 1)) * mask.scale,
  ];
  const outlines: Point[][] = [];
  for (const start of [...next.keys()]) {
    while ((next.get(start)?.length ?? 0) > 0) {
      const loop = chainLoop(next, start, w + 1);
      const polygon = dropCollinear(loop.map(toPoint));
      if (polygon.length >= 3 && signedArea(polygon) > 0) {
        outlines.push(simplifyClosed(polygon, tolerance * mask.scale));
      }
    }
  }
  return outlines.filter((outline) => outline.length >= 3);
}

function chainLoop(next: Map<number, number[]>, start: number, stride: number): number[] {
  const loop: number[] = [];
  let previous = start;
  let current = start;
  for (;;) {
    const options = next.get(current);
    if (options === undefined || options.length === 0) break;
    // at a vertex where two regions touch diagonally, turn right: 4-connected regions stay apart
    const index = options.length === 1 ? 0 : rightmostTurn(previous, current, options, stride);
    const [to] = options.splice(index, 1) as [number];
    loop.push(current);
    previous = current;
    current = to;
    if (current === start) break;
  }
  return loop;
}

function rightmostTurn(
  previous: number,
  current: number,
  options: number[],
  stride: number,
): number {
  const dir = (a: number, b: number): Point => [
    (b % stride) - (a % stride),
    Math.floor(b / stride) - Math.floor(a / stride),
  ];
  const [ix, iy] = dir(previous, current);
  let best = 0;
  let bestCross = -Infinity;
  options.forEach((to, index) => {
    const [ox, oy] = dir(current, to);
    const cross = ix * oy - iy * ox; // > 0: a right turn with y pointing down
    if (cross > bestCross) {
      bestCross = cross;
      best = index;
    }
  });
  return best;
}

function dropCollinear(points: Point[]): Point[] {
  const kept: Point[] = [];
  for (let i = 0; i < points.length; i += 1) {
    const [ax, ay] = at(points, (i + points.length - 1) % points.length);
    const [bx, by] = at(points, i);
    const [cx, cy] = at(points, (i + 1) % points.length);
    if ((bx - ax) * (cy - by) - (by - ay) * (cx - bx) !== 0) kept.push(at(points, i));
  }
  return kept;
}

/** Douglas-Peucker on a closed ring, split at its two farthest-apart vertices. */
export function simplifyClosed(polygon: Polygon, tolerance: number): Point[] {
  if (polygon.length <= 4 || tolerance <= 0) return [...polygon];
  let far = 0;
  let farDistance = -1;
  const [sx, sy] = at(polygon, 0);
  polygon.forEach(([x, y], index) => {
    const d = (x - sx) ** 2 + (y - sy) ** 2;
    if (d > farDistance) {
      farDistance = d;
      far = index;
    }
  });
  const first = simplifyOpen(polygon.slice(0, far + 1), tolerance);
  const second = simplifyOpen([...polygon.slice(far), at(polygon, 0)], tolerance);
  const ring = [...first.slice(0, -1), ...second.slice(0, -1)];
  return ring.length >= 3 ? ring : [...polygon];
}

function simplifyOpen(points: Polygon, tolerance: number): Point[] {
  if (points.length <= 2) return [...points];
  const [ax, ay] = at(points, 0);
  const [bx, by] = at(points, points.length - 1);
  const length = Math.hypot(bx - ax, by - ay);
  let index = 0;
  let distance = -1;
  for (let i = 1; i < points.length - 1; i += 1) {
    const [px, py] = at(points, i);
    const d =
      length === 0
        ? Math.hypot(px - ax, py - ay)
        : Math.abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length;
    if (d > distance) {
      distance = d;
      index = i;
    }
  }
  if (distance <= tolerance) return [at(points, 0), at(points, points.length - 1)];
  const left = simplifyOpen(points.slice(0, index + 1), tolerance);
  const right = simplifyOpen(points.slice(index), tolerance);
  return [...left.slice(0, -1), ...right];
}

/** Keeps a point inside the image (the API refuses coordinates outside it). */
export function clampPoint([x, y]: Point, width: number, height: number): Point {
  return [Math.min(width, Math.max(0, x)), Math.min(height, Math.max(0, y))];
}

/** Rounds to 0.01 px: the JSON stays short and the saved shape is the drawn one. */
export function roundPolygon(polygon: Polygon): [number, number][] {
  return polygon.map(([x, y]) => [Math.round(x * 100) / 100, Math.round(y * 100) / 100]);
}
