import { cn } from '@/utils/cn';

import { formatPercent, LEVEL_FILL, levelOf } from './format';

export interface UtilizationBarProps {
  label: string;
  percent: number | null | undefined;
  /** Extra text after the percentage, e.g. "6.0 of 24 GiB". */
  detail?: string;
  /** Colour by level when given; plain blue otherwise (a busy GPU is not a problem). */
  warning?: number;
  critical?: number;
  compact?: boolean;
}

export function UtilizationBar({
  label,
  percent,
  detail,
  warning,
  critical,
  compact = false,
}: UtilizationBarProps) {
  const known = percent !== null && percent !== undefined && Number.isFinite(percent);
  const clamped = known ? Math.min(Math.max(percent, 0), 100) : 0;
  const fill =
    warning !== undefined && critical !== undefined
      ? LEVEL_FILL[levelOf(percent, warning, critical)]
      : 'bg-sky-500';
  return (
    <div className="w-full">
      <div
        className={cn(
          'mb-1 flex justify-between gap-2 text-slate-600',
          compact ? 'text-[11px]' : 'text-xs',
        )}
      >
        <span className="truncate">{label}</span>
        <span className="shrink-0 tabular-nums">
          {known ? formatPercent(percent) : 'n/a'}
          {detail !== undefined && <span className="text-slate-400"> · {detail}</span>}
        </span>
      </div>
      <div
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={known ? clamped : undefined}
        aria-valuetext={known ? formatPercent(percent) : 'not available'}
        className={cn(
          'w-full overflow-hidden rounded-full bg-slate-200',
          compact ? 'h-1.5' : 'h-2',
        )}
      >
        <div
          className={cn('h-full rounded-full transition-[width] duration-500', fill)}
          style={{ width: `${clamped}%` }}
        />
      </div>
    </div>
  );
}
