import type { EpochPoint } from '@/store/trainingStore';

import type { CurveRow, CurveSeries } from './types';

export const LOSS_SERIES: CurveSeries[] = [
  { key: 'train_loss', label: 'Train loss', color: '#0284c7' },
  { key: 'val_loss', label: 'Val loss', color: '#ea580c' },
];

export const MAP_SERIES: CurveSeries[] = [
  { key: 'box_map50', label: 'Box mAP50', color: '#059669', dashed: true },
  { key: 'box_map50_95', label: 'Box mAP50-95', color: '#059669' },
  { key: 'mask_map50', label: 'Mask mAP50', color: '#7c3aed', dashed: true },
  { key: 'mask_map50_95', label: 'Mask mAP50-95', color: '#7c3aed' },
];

/** Chart rows (one per epoch) holding the series' columns; a missing value is null. */
export function rowsOf(epochs: readonly EpochPoint[], series: readonly CurveSeries[]): CurveRow[] {
  return epochs.map((point) => {
    const row: CurveRow = { epoch: point.epoch };
    for (const { key } of series) row[key] = point.metrics[key] ?? null;
    return row;
  });
}
