import { HardDrive } from 'lucide-react';

import { cn } from '@/utils/cn';

import { formatBytes } from './format';

export interface StorageUsageProps {
  usedBytes: number;
  quotaBytes: number;
  className?: string;
}

/** Disk space the datasets use against the configured quota. */
export function StorageUsage({ usedBytes, quotaBytes, className }: StorageUsageProps) {
  const fraction = quotaBytes > 0 ? Math.min(usedBytes / quotaBytes, 1) : 0;
  const percent = fraction * 100;
  const tone = fraction >= 0.9 ? 'bg-red-500' : fraction >= 0.75 ? 'bg-amber-500' : 'bg-sky-500';
  return (
    <div
      className={cn(
        'flex items-center gap-3 rounded-lg border border-slate-200 bg-white px-3 py-1.5',
        className,
      )}
      data-testid="storage-usage"
    >
      <HardDrive className="size-4 shrink-0 text-slate-400" aria-hidden="true" />
      <div className="min-w-44">
        <p className="text-xs text-slate-500">
          Storage:{' '}
          <span className="font-medium text-slate-900 tabular-nums">{formatBytes(usedBytes)}</span>{' '}
          of <span className="tabular-nums">{formatBytes(quotaBytes)}</span>
        </p>
        <div
          role="meter"
          aria-label="Dataset storage used"
          aria-valuemin={0}
          aria-valuemax={quotaBytes}
          aria-valuenow={usedBytes}
          aria-valuetext={`${formatBytes(usedBytes)} of ${formatBytes(quotaBytes)}`}
          className="mt-1.5 h-1.5 w-full overflow-hidden rounded-full bg-slate-200"
        >
          <div
            className={cn('h-full rounded-full', tone)}
            style={{ width: `${percent > 0 && percent < 1 ? 1 : percent}%` }}
          />
        </div>
      </div>
    </div>
  );
}
