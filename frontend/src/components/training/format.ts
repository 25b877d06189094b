/** Display helpers of the training pages. */

const DASH = '—';

/** 3725 -> "1h 2m", 125 -> "2m 5s", 9.4 -> "9s". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) {
    return DASH;
  }
  const total = Math.round(seconds);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = total % 60;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m ${secs}s`;
  return `${secs}s`;
}

/** Seconds between two ISO timestamps (to `now` when the end is missing). */
export function secondsBetween(
  start: string | null,
  end: string | null,
  now = Date.now(),
): number | null {
  if (start === null) return null;
  const from = Date.parse(start);
  const to = end === null ? now : Date.parse(end);
  if (Number.isNaN(from) || Number.isNaN(to)) return null;
  return Math.max(0, (to - from) / 1000);
}

export function formatMetric(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return value.toFixed(digits);
}

/** Learning rates span decades: 0.01 -> "0.0100", 0.000123 -> "1.23e-4". */
export function formatLearningRate(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  if (value !== 0 && Math.abs(value) < 0.001) return value.toExponential(2);
  return value.toFixed(4);
}

export function formatPercent(fraction: number | null | undefined, digits = 1): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return DASH;
  return `${(fraction * 100).toFixed(digits)}%`;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return DASH;
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit] ?? 'B'}`;
}

/** 3_400_000 -> "3.4 M", 27_900_000 -> "27.9 M". */
export function formatParameters(count: number): string {
  if (count >= 1e9) return `${(count / 1e9).toFixed(1)} B`;
  if (count >= 1e6) return `${(count / 1e6).toFixed(1)} M`;
  if (count >= 1e3) return `${(count / 1e3).toFixed(1)} K`;
  return String(count);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return DASH;
  return date.toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** "14:05:09" today, "Nov 26, 14:05" this year, else "Nov 26, 2025". */
export function formatShortDateTime(iso: string | null | undefined, now = new Date()): string {
  if (!iso) return DASH;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return DASH;
  if (date.toDateString() === now.toDateString()) {
    return date.toLocaleTimeString(undefined, { hour12: false });
  }
  if (date.getFullYear() === now.getFullYear()) {
    return date.toLocaleString(undefined, {
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    });
  }
  return date.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return date.toLocaleTimeString(undefined, { hour12: false });
}

const METRIC_LABELS: Record<string, string> = {
  train_loss: 'Train loss',
  val_loss: 'Val loss',
  train_box_loss: 'Train box loss',
  train_seg_loss: 'Train seg loss',
  train_cls_loss: 'Train cls loss',
  train_dfl_loss: 'Train DFL loss',
  train_giou_loss: 'Train GIoU loss',
  train_dice_loss: 'Train mask Dice loss',
  val_box_loss: 'Val box loss',
  val_seg_loss: 'Val seg loss',
  val_cls_loss: 'Val cls loss',
  val_dfl_loss: 'Val DFL loss',
  box_precision: 'Box precision',
  box_recall: 'Box recall',
  box_map50: 'Box mAP50',
  box_map50_95: 'Box mAP50-95',
  mask_precision: 'Mask precision',
  mask_recall: 'Mask recall',
  mask_map50: 'Mask mAP50',
  mask_map50_95: 'Mask mAP50-95',
  fitness: 'Fitness',
  lr: 'Learning rate',
  epoch_time: 'Epoch time (s)',
};

export function metricLabel(key: string): string {
  return METRIC_LABELS[key] ?? key.replace(/_/g, ' ');
}
