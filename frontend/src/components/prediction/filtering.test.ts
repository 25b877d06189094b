import { instance, measurements } from '@/pages/Prediction/testing/fixtures';

import { boxIou, filterInstances, summarize, worseSeverity } from './filtering';

describe('boxIou', () => {
  it('is 1 for equal boxes, 0 for disjoint or touching ones', () => {
    expect(boxIou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
    expect(boxIou([0, 0, 10, 10], [10, 0, 20, 10])).toBe(0);
    expect(boxIou([0, 0, 10, 10], [20, 20, 30, 30])).toBe(0);
  });

  it('is intersection over union for partial overlaps', () => {
    // 5x10 overlap = 50; union = 100 + 100 - 50 = 150.
    expect(boxIou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(1 / 3);
  });

  it('is 0 for degenerate boxes', () => {
    expect(boxIou([0, 0, 0, 0], [0, 0, 0, 0])).toBe(0);
  });
});

describe('filterInstances', () => {
  const strong = instance(1, 0.9, [0, 0, 10, 10]);
  const overlapping = instance(2, 0.8, [5, 0, 15, 10]); // IoU 1/3 with strong
  const apart = instance(3, 0.3, [50, 50, 60, 60]);
  const weak = instance(4, 0.1, [80, 80, 90, 90]);
  const all = [weak, apart, overlapping, strong];

  it('keeps scores at or above conf, in descending score order', () => {
    expect(filterInstances(all, 0.3, 1).map((i) => i.id)).toEqual([1, 2, 3]);
    expect(filterInstances(all, 0.0, 1).map((i) => i.id)).toEqual([1, 2, 3, 4]);
    expect(filterInstances(all, 0.95, 1)).toEqual([]);
  });

  it('drops a box whose IoU with a kept one is above the threshold', () => {
    expect(filterInstances(all, 0.3, 0.3).map((i) => i.id)).toEqual([1, 3]);
    // Strictly greater: an IoU equal to the threshold survives.
    expect(filterInstances(all, 0.3, 1 / 3).map((i) => i.id)).toEqual([1, 2, 3]);
  });

  it('suppresses only within a class', () => {
    const otherClass = { ...overlapping, class_id: 1 };
    expect(filterInstances([strong, otherClass], 0, 0.1).map((i) => i.id)).toEqual([1, 2]);
  });

  it('suppresses against kept boxes only (a dropped box suppresses nothing)', () => {
    const a = instance(1, 0.9, [0, 0, 10, 10]);
    const b = instance(2, 0.8, [4, 0, 14, 10]); // overlaps a: dropped
    const c = instance(3, 0.7, [8, 0, 18, 10]); // overlaps b, barely a: kept
    expect(filterInstances([a, b, c], 0, 0.3).map((i) => i.id)).toEqual([1, 3]);
  });

  it('does not mutate its input', () => {
    const input = [weak, strong];
    filterInstances(input, 0, 0.5);
    expect(input.map((i) => i.id)).toEqual([4, 1]);
  });
});

describe('summarize', () => {
  it('sums lengths and areas and takes the worst width and severity', () => {
    const a = instance(1, 0.9, [0, 0, 10, 10], {
      area_px: 100,
      measurements: measurements({
        length_px: 50,
        width_max_px: 4,
        length_mm: 25,
        area_mm2: 25,
        width_max_mm: 2,
        severity: 'moderate',
      }),
    });
    const b = instance(2, 0.8, [20, 0, 30, 10], {
      area_px: 50,
      measurements: measurements({
        length_px: 30,
        width_max_px: 9,
        length_mm: 15,
        area_mm2: 12.5,
        width_max_mm: 4.5,
        severity: 'wide',
      }),
    });
    expect(summarize([a, b])).toEqual({
      count: 2,
      total_length_px: 80,
      total_area_px: 150,
      max_width_px: 9,
      total_length_mm: 40,
      total_area_mm2: 37.5,
      max_width_mm: 4.5,
      worst_severity: 'wide',
    });
  });

  it('is empty and without mm for no instances', () => {
    expect(summarize([])).toMatchObject({ count: 0, total_length_px: 0, worst_severity: null });
  });

  it('orders severities narrow < moderate < wide', () => {
    expect(worseSeverity('narrow', 'moderate')).toBe('moderate');
    expect(worseSeverity('wide', 'narrow')).toBe('wide');
    expect(worseSeverity(null, undefined)).toBeNull();
  });
});
