import type { JobState, ModelSummary } from '@/services/models.service';

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0 B';
  const exponent = Math.min(Math.floor(Math.log(bytes) / Math.log(1024)), BYTE_UNITS.length - 1);
  const value = bytes / 1024 ** exponent;
  const digits = exponent === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${BYTE_UNITS[exponent] ?? 'B'}`;
}

/** A metric in 0..1 with three decimals; missing values read as a dash. */
export function formatMetric(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(3);
}

export function formatPercent(fraction: number): string {
  return `${Math.round(Math.min(Math.max(fraction, 0), 1) * 100)}%`;
}

const DATE_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const DATE_TIME_FORMAT = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
});

export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : DATE_FORMAT.format(date);
}

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : DATE_TIME_FORMAT.format(date);
}

const METRIC_PARTS: Record<string, string> = {
  precision: 'precision',
  recall: 'recall',
  map50: 'mAP50',
  map50_95: 'mAP50-95',
  fitness: 'Fitness',
};

/** 'mask_map50_95' -> 'Mask mAP50-95', 'box_precision' -> 'Box precision'. */
export function metricLabel(key: string): string {
  if (key in METRIC_PARTS) return METRIC_PARTS[key] ?? key;
  const [kind, ...rest] = key.split('_');
  const name = rest.join('_');
  if ((kind === 'box' || kind === 'mask') && name in METRIC_PARTS) {
    return `${kind === 'box' ? 'Box' : 'Mask'} ${METRIC_PARTS[name] ?? name}`;
  }
  return key.replaceAll('_', ' ');
}

/** The metrics shown first, in this order; others follow alphabetically. */
export const METRIC_ORDER = [
  'mask_map50',
  'mask_map50_95',
  'box_map50',
  'box_map50_95',
  'mask_precision',
  'mask_recall',
  'box_precision',
  'box_recall',
] as const;

export function orderedMetricKeys(metrics: Readonly<Record<string, number>>): string[] {
  const present = Object.keys(metrics);
  const known = METRIC_ORDER.filter((key) => present.includes(key));
  const others = present.filter((key) => !(METRIC_ORDER as readonly string[]).includes(key)).sort();
  return [...known, ...others];
}

export interface HeadlineMetrics {
  kind: 'mask' | 'box' | null;
  map50: number | null;
  map50_95: number | null;
}

/** Mask mAP50 and mAP50-95 for a segmentation model; box figures for a detection model. */
export function headlineMetrics(metrics: Readonly<Record<string, number>>): HeadlineMetrics {
  for (const kind of ['mask', 'box'] as const) {
    const map50 = metrics[`${kind}_map50`];
    const map5095 = metrics[`${kind}_map50_95`];
    if (map50 !== undefined || map5095 !== undefined) {
      return { kind, map50: map50 ?? null, map50_95: map5095 ?? null };
    }
  }
  return { kind: null, map50: null, map50_95: null };
}

/** Labels of model series the catalogue may not list (imported weights); the catalogue's own win. */
const FAMILY_LABELS: Record<string, string> = {
  yolov5: 'YOLOv5',
  yolov8: 'YOLOv8',
  yolov9: 'YOLOv9',
  yolov10: 'YOLOv10',
  yolo11: 'YOLO11',
  yolo12: 'YOLO12',
  yolo26: 'YOLO26',
};

const SCALE_LABELS: Record<string, string> = {
  n: 'nano',
  s: 'small',
  m: 'medium',
  l: 'large',
  x: 'extra large',
  c: 'compact',
  e: 'extended',
  t: 'tiny',
};

/** A model series' label: the catalogue's (`labels`, from the API), else a known one, else as is. */
export function familyLabel(
  family: string | null,
  labels: Readonly<Record<string, string>> = {},
): string {
  if (family === null || family === '') return 'Unknown family';
  return labels[family] ?? FAMILY_LABELS[family.toLowerCase()] ?? family;
}

export function scaleLabel(scale: string | null): string | null {
  if (scale === null || scale === '') return null;
  return SCALE_LABELS[scale.toLowerCase()] ?? scale;
}

/** 'YOLOv8 · nano' (series and size); `labels` are the catalogue's series labels. */
export function architectureLabel(
  model: Pick<ModelSummary, 'family' | 'scale'>,
  labels: Readonly<Record<string, string>> = {},
): string {
  const scale = scaleLabel(model.scale);
  const family = familyLabel(model.family, labels);
  return scale === null ? family : `${family} · ${scale}`;
}

export const TASK_LABELS: Record<string, string> = {
  segment: 'Segmentation',
  detect: 'Detection',
};

export function taskLabel(task: string): string {
  return TASK_LABELS[task] ?? task;
}

export const SOURCE_LABELS: Record<string, string> = {
  trained: 'Trained',
  imported: 'Imported',
};

export function sourceLabel(source: string): string {
  return SOURCE_LABELS[source] ?? source;
}

export const JOB_STATE_LABELS: Record<JobState, string> = {
  queued: 'Queued',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  stopped: 'Stopped',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

export function splitLabel(split: string): string {
  if (split === 'val') return 'Validation';
  if (split === 'test') return 'Test';
  if (split === 'train') return 'Train';
  return split;
}

export function classesLabel(names: readonly string[]): string {
  if (names.length === 0) return 'No classes';
  if (names.length <= 3) return names.join(', ');
  return `${names.slice(0, 3).join(', ')} +${names.length - 3}`;
}
