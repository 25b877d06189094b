import {
  formatBytes,
  formatImageSizes,
  formatPercent,
  orderedSplits,
  parseApiDate,
} from './format';
import { friendlyFieldMessage } from './roboflowErrors';
import { makeSplitStats, makeReport } from './testing';
import { groupIssuesByRule, ruleTitle } from './validationRules';

describe('format helpers', () => {
  it('formats sizes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(250 * 1024)).toBe('250 KB');
    expect(formatBytes(50 * 1024 ** 3)).toBe('50.0 GB');
  });

  it('reads timestamps without an offset as UTC', () => {
    expect(parseApiDate('2026-03-02T09:30:00').toISOString()).toBe('2026-03-02T09:30:00.000Z');
    expect(parseApiDate('2026-03-02T09:30:00+01:00').toISOString()).toBe(
      '2026-03-02T08:30:00.000Z',
    );
  });

  it('clamps percentages and orders splits train, val, test', () => {
    expect(formatPercent(1.7)).toBe('100%');
    expect(formatPercent(0.333)).toBe('33%');
    expect(orderedSplits({ test: 1, extra: 4, train: 2, val: 3 }).map(([name]) => name)).toEqual([
      'train',
      'val',
      'test',
      'extra',
    ]);
  });

  it('shows one image size or the range', () => {
    const uniform = makeSplitStats('train', 3, 1);
    uniform.image_sizes = { ...uniform.image_sizes!, max_width: 320, max_height: 240 };
    expect(formatImageSizes(uniform.image_sizes)).toBe('320 × 240');
    expect(formatImageSizes(makeSplitStats('val', 3, 1).image_sizes)).toBe('320 × 240 – 640 × 480');
    expect(formatImageSizes(null)).toBe('—');
  });
});

describe('validation rules', () => {
  it('groups issues by rule, errors first, summing counts', () => {
    const report = makeReport();
    const groups = groupIssuesByRule([
      ...report.issues,
      {
        code: 'corrupt_image',
        severity: 'error',
        message: '1 image is unreadable',
        split: 'test',
        count: 1,
        examples: ['test/x.jpg'],
      },
    ]);
    expect(groups.map((group) => [group.code, group.severity, group.count])).toEqual([
      ['corrupt_image', 'error', 1],
      ['image_without_label', 'warning', 3],
      ['duplicate_image', 'warning', 2],
    ]);
    expect(groups[1]!.issues).toHaveLength(2);
  });

  it('names known rules and makes unknown codes readable', () => {
    expect(ruleTitle('coordinate_out_of_range')).toBe('Coordinates outside [0, 1]');
    expect(ruleTitle('some_new_rule')).toBe('Some new rule');
  });
});

describe('friendlyFieldMessage', () => {
  it('rewords pattern and empty-value messages', () => {
    expect(friendlyFieldMessage("String should match pattern '^x$'", 'a b')).toMatch(
      /Roboflow URL/,
    );
    expect(friendlyFieldMessage("String should match pattern '^x$'", '')).toBe('Required.');
    expect(friendlyFieldMessage('Input should be a valid integer', '')).toBe('Required.');
    expect(friendlyFieldMessage('Value error, must be 4 to 200 letters', 'ab')).toBe(
      'Must be 4 to 200 letters',
    );
  });
});
