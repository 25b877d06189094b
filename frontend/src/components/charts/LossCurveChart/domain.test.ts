import { niceAxis } from './domain';

describe('niceAxis', () => {
  it('spans the data with round ticks at the scale of the range', () => {
    const rows = [
      { epoch: 1, a: 17.68, b: 15.3 },
      { epoch: 2, a: 11.34, b: null },
    ];
    expect(niceAxis(rows, ['a', 'b'])).toEqual({ domain: [10, 18], ticks: [10, 12, 14, 16, 18] });
    expect(
      niceAxis(
        [
          { epoch: 1, a: 14.4 },
          { epoch: 2, a: 17.9 },
        ],
        ['a'],
      ).ticks,
    ).toEqual([14, 15, 16, 17, 18]);
    expect(
      niceAxis(
        [
          { epoch: 1, a: 1.023 },
          { epoch: 2, a: 1.078 },
        ],
        ['a'],
      ).ticks,
    ).toEqual([1.02, 1.04, 1.06, 1.08]);
  });

  it('gives a single value or no data a usable range', () => {
    expect(niceAxis([{ epoch: 1, a: 5 }], ['a']).domain).toEqual([4.4, 5.6]);
    expect(niceAxis([], ['a']).domain).toEqual([0, 1]);
    expect(niceAxis([{ epoch: 1, a: 0 }], ['a']).domain).toEqual([-1, 1]);
  });
});
