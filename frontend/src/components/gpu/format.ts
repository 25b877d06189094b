export type Level = 'ok' | 'warning' | 'critical';

const GIB = 1024 ** 3;

/** ok below `warning`, warning from it, critical from `critical`; unknown values count as ok. */
export function levelOf(
  value: number | null | undefined,
  warning: number,
  critical: number,
): Level {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'ok';
  if (value >= critical) return 'critical';
  if (value >= warning) return 'warning';
  return 'ok';
}

export function worstLevel(levels: Level[]): Level {
  if (levels.includes('critical')) return 'critical';
  if (levels.includes('warning')) return 'warning';
  return 'ok';
}

export const LEVEL_TEXT: Record<Level, string> = {
  ok: 'text-emerald-600',
  warning: 'text-amber-600',
  critical: 'text-red-600',
};

export const LEVEL_FILL: Record<Level, string> = {
  ok: 'bg-emerald-500',
  warning: 'bg-amber-500',
  critical: 'bg-red-500',
};

export const LEVEL_STROKE: Record<Level, string> = {
  ok: 'stroke-emerald-500',
  warning: 'stroke-amber-500',
  critical: 'stroke-red-500',
};

export function formatGiB(bytes: number | null | undefined, digits = 1): string {
  if (bytes === null || bytes === undefined) return '—';
  return `${(bytes / GIB).toFixed(digits)} GiB`;
}

export function formatPercent(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined) return '—';
  return `${value.toFixed(digits)}%`;
}

export function formatCelsius(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return `${value.toFixed(0)} °C`;
}

export function formatWatts(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return `${value.toFixed(0)} W`;
}
