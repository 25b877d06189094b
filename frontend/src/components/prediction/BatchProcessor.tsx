import { CheckCircle2, CircleDashed, Loader2, XCircle } from 'lucide-react';

import { ProgressBar } from '@/components/common/ProgressBar';
import type { BatchItem, FileStatus } from '@/hooks/usePrediction';
import { cn } from '@/utils/cn';

const ICONS: Record<FileStatus, typeof CheckCircle2> = {
  queued: CircleDashed,
  running: Loader2,
  done: CheckCircle2,
  failed: XCircle,
};

const ICON_CLASSES: Record<FileStatus, string> = {
  queued: 'text-slate-400',
  running: 'animate-spin text-sky-600',
  done: 'text-emerald-600',
  failed: 'text-red-600',
};

interface Props {
  items: BatchItem[];
  activeId: string | null;
  onOpen: (predictionId: string) => void;
}

/** Per-image status of a run and overall progress; finished images open in the viewer. */
export function BatchProcessor({ items, activeId, onOpen }: Props) {
  if (items.length === 0) return null;
  const finished = items.filter((item) => item.status === 'done' || item.status === 'failed');
  return (
    <div data-testid="batch-processor" className="space-y-2">
      <ProgressBar
        value={finished.length}
        max={items.length}
        label={`${finished.length} of ${items.length} images processed`}
        showValue
      />
      <ul className="max-h-56 space-y-1 overflow-y-auto text-sm">
        {items.map((item) => {
          const Icon = ICONS[item.status];
          const openable = item.predictionId !== undefined;
          return (
            <li key={item.key}>
              <button
                type="button"
                disabled={!openable}
                className={cn(
                  'flex w-full items-start gap-2 rounded px-2 py-1 text-left',
                  openable && 'hover:bg-slate-50',
                  item.predictionId !== undefined && item.predictionId === activeId && 'bg-sky-50',
                )}
                onClick={() => {
                  if (item.predictionId !== undefined) onOpen(item.predictionId);
                }}
              >
                <Icon
                  className={cn('mt-0.5 size-4 shrink-0', ICON_CLASSES[item.status])}
                  aria-label={item.status}
                />
                <span className="min-w-0 flex-1">
                  <span className="block truncate text-slate-700">{item.name}</span>
                  {item.error !== undefined && (
                    <span className="block text-xs text-red-600">{item.error}</span>
                  )}
                </span>
                {item.count !== undefined && (
                  <span className="shrink-0 text-xs text-slate-500">
                    {item.count} {item.count === 1 ? 'crack' : 'cracks'}
                  </span>
                )}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
