import type {
  DatasetSource,
  DatasetStatus,
  SplitStats,
  ValidationStatus,
} from '@/services/datasets.service';

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** 1536 -> "1.5 KB" (powers of 1024, as file managers show sizes). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0 B';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit] ?? 'B'}`;
}

const NUMBER_FORMAT = new Intl.NumberFormat('en-US');

export function formatCount(value: number): string {
  return NUMBER_FORMAT.format(value);
}

/** The API's timestamps are UTC; some come without an offset, so read those as UTC too. */
export function parseApiDate(value: string): Date {
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(value);
  return new Date(hasOffset ? value : `${value}Z`);
}

const DATE_FORMAT = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

const DAY_FORMAT = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
});
const TIME_FORMAT = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });

/** ["26 Nov 2026", "17:45"] for tables that show the time under the date. */
export function formatDateAndTime(value: string): [string, string] {
  const date = parseApiDate(value);
  if (Number.isNaN(date.getTime())) return [value, ''];
  return [DAY_FORMAT.format(date), TIME_FORMAT.format(date)];
}

export function formatDateTime(value: string): string {
  const date = parseApiDate(value);
  return Number.isNaN(date.getTime()) ? value : DATE_FORMAT.format(date);
}

export function formatPercent(fraction: number): string {
  const clamped = Math.min(Math.max(Number.isFinite(fraction) ? fraction : 0, 0), 1);
  return `${Math.round(clamped * 100)}%`;
}

export const STATUS_LABELS: Record<DatasetStatus, string> = {
  queued: 'Queued',
  downloading: 'Downloading',
  extracting: 'Extracting',
  processing: 'Processing',
  validating: 'Validating',
  ready: 'Ready',
  failed: 'Failed',
};

export const SOURCE_LABELS: Record<DatasetSource, string> = {
  upload: 'Zip upload',
  roboflow: 'Roboflow',
  demo: 'Demo',
  derived: 'Derived',
};

export const FORMAT_LABELS: Record<string, string> = {
  'yolo-seg': 'YOLO-seg',
  coco: 'COCO',
};

export function formatLabel(format: string | null): string {
  if (format === null) return '—';
  return FORMAT_LABELS[format] ?? format;
}

export const VALIDATION_LABELS: Record<ValidationStatus, string> = {
  passed: 'Passed',
  warnings: 'Warnings',
  errors: 'Errors',
};

export const SPLIT_LABELS: Record<string, string> = {
  train: 'Train',
  val: 'Validation',
  test: 'Test',
  all: 'All splits',
};

export function splitLabel(split: string): string {
  return SPLIT_LABELS[split] ?? split;
}

/** Splits in train, val, test order, then any others. */
export function orderedSplits<T>(splits: Record<string, T>): [string, T][] {
  const order = ['train', 'val', 'test'];
  const rank = (name: string) => {
    const index = order.indexOf(name);
    return index === -1 ? order.length : index;
  };
  return Object.entries(splits).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

/** "112 × 112" when all images share a size, else the smallest and largest. */
export function formatImageSizes(sizes: SplitStats['image_sizes']): string {
  if (sizes === null) return '—';
  const { min_width: minW, min_height: minH, max_width: maxW, max_height: maxH } = sizes;
  if (minW === maxW && minH === maxH) return `${minW} × ${minH}`;
  return `${minW} × ${minH} – ${maxW} × ${maxH}`;
}
