import { decodeCounts, encodeCounts, forEachRun, rleBox, rleToMask } from './rle';

// pycocotools.mask.encode of a 7 x 9 mask (h x w) with (row, col) set at (0, 0), rows 1-4 x cols 2-5,
// (3, 7) and (6, 8): the string the API sends for a predicted mask.
const COCO = { size: [7, 9] as [number, number], counts: '01>3E000009MM0' };

function setPixels(): string[] {
  const pixels: string[] = [];
  forEachRun(COCO, (x, y, length) => {
    for (let row = y; row < y + length; row += 1) pixels.push(`${row},${x}`);
  });
  return pixels.sort();
}

describe('COCO RLE', () => {
  it("decodes pycocotools' compressed counts into the same pixels", () => {
    const expected = ['0,0', '3,7', '6,8'];
    for (let row = 1; row <= 4; row += 1)
      for (let col = 2; col <= 5; col += 1) expected.push(`${row},${col}`);
    expect(setPixels()).toEqual(expected.sort());
    expect(decodeCounts(COCO.counts).reduce((sum, run) => sum + run, 0)).toBe(7 * 9);
  });

  it('encodes the runs back to the same string, large differences included', () => {
    expect(encodeCounts(decodeCounts(COCO.counts))).toBe(COCO.counts);
    const runs = [0, 5, 120_000, 3, 1, 70_000, 2, 0];
    expect(decodeCounts(encodeCounts(runs))).toEqual(runs);
  });

  it('finds the bounding box and rasterises into a mask over it', () => {
    expect(rleBox(COCO)).toEqual({ x0: 0, y0: 0, x1: 9, y1: 7 });
    const mask = rleToMask(COCO);
    expect(mask).not.toBeNull();
    const { w, data } = mask!;
    expect(data.reduce((sum, cell) => sum + cell, 0)).toBe(19);
    expect(data[3 * w + 7]).toBe(1);
    expect(data[5 * w + 2]).toBe(0);
  });
});
