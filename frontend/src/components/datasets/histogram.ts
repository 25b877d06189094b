import type { SplitStats } from '@/services/datasets.service';

export type HistogramMetric = 'instances' | 'images';

export const METRIC_LABELS: Record<HistogramMetric, string> = {
  instances: 'Instances',
  images: 'Images with class',
};

export type HistogramRow = { className: string } & Record<string, number | string>;

/** One row per class with the chosen count per split (0 where a split lacks the class). */
export function histogramRows(
  classNames: readonly string[],
  splits: readonly SplitStats[],
  metric: HistogramMetric,
): HistogramRow[] {
  return classNames.map((name, classId) => {
    const row: HistogramRow = { className: name };
    for (const split of splits) {
      const counts = split.classes.find((item) => item.class_id === classId);
      row[split.split] = counts === undefined ? 0 : counts[metric];
    }
    return row;
  });
}
