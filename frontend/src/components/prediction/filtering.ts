import type { ImageSummary, PredictedInstance, SeverityName } from '@/services/prediction.service';

/** Intersection over union of two [x1, y1, x2, y2] boxes (0 when either is empty). */
export function boxIou(a: readonly number[], b: readonly number[]): number {
  const [ax1 = 0, ay1 = 0, ax2 = 0, ay2 = 0] = a;
  const [bx1 = 0, by1 = 0, bx2 = 0, by2 = 0] = b;
  const width = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  const height = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (width <= 0 || height <= 0) return 0;
  const intersection = width * height;
  const union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - intersection;
  return union > 0 ? intersection / union : 0;
}

type Filterable = Pick<PredictedInstance, 'id' | 'class_id' | 'score' | 'box'>;

/**
 * The instances kept by a confidence and an IoU threshold, as the backend's reference does
 * (app/core/prediction/filtering.py): score >= conf, then greedy NMS per class in descending score
 * order, dropping an instance whose box IoU with an already kept one of its class is > iou.
 * Returned in descending score order.
 */
export function filterInstances<T extends Filterable>(
  instances: readonly T[],
  conf: number,
  iou: number,
): T[] {
  const candidates = instances
    .filter((instance) => instance.score >= conf)
    .sort((a, b) => b.score - a.score || a.id - b.id);
  const kept: T[] = [];
  for (const candidate of candidates) {
    const overlaps = kept.some(
      (other) => other.class_id === candidate.class_id && boxIou(other.box, candidate.box) > iou,
    );
    if (!overlaps) kept.push(candidate);
  }
  return kept;
}

const SEVERITY_RANK: Record<SeverityName, number> = { narrow: 0, moderate: 1, wide: 2 };

export function worseSeverity(
  a: SeverityName | null | undefined,
  b: SeverityName | null | undefined,
): SeverityName | null {
  if (a == null) return b ?? null;
  if (b == null) return a;
  return SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a;
}

function sumOrNull(values: (number | null | undefined)[]): number | null {
  const present = values.filter((value): value is number => value != null);
  return present.length === 0 ? null : present.reduce((total, value) => total + value, 0);
}

function maxOrNull(values: (number | null | undefined)[]): number | null {
  const present = values.filter((value): value is number => value != null);
  return present.length === 0 ? null : Math.max(...present);
}

/** The per-image summary of the kept instances (sums and maxima of their measurements). */
export function summarize(instances: readonly PredictedInstance[]): ImageSummary {
  const measured = instances.map((instance) => instance.measurements);
  return {
    count: instances.length,
    total_length_px: sumOrNull(measured.map((m) => m?.length_px)) ?? 0,
    total_area_px: instances.reduce((total, instance) => total + instance.area_px, 0),
    max_width_px: maxOrNull(measured.map((m) => m?.width_max_px)) ?? 0,
    total_length_mm: sumOrNull(measured.map((m) => m?.length_mm)),
    total_area_mm2: sumOrNull(measured.map((m) => m?.area_mm2)),
    max_width_mm: maxOrNull(measured.map((m) => m?.width_max_mm)),
    worst_severity: measured.reduce<SeverityName | null>(
      (worst, m) => worseSeverity(worst, m?.severity),
      null,
    ),
  };
}
