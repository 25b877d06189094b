import { LoaderCircle } from 'lucide-react';

import type { SessionStatus } from '@/services/training.service';
import { cn } from '@/utils/cn';

import { STATUS_LABELS } from './labels';

const STYLES: Record<SessionStatus, string> = {
  queued: 'bg-slate-100 text-slate-700 ring-slate-500/20',
  running: 'bg-sky-50 text-sky-700 ring-sky-600/20',
  completed: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  failed: 'bg-red-50 text-red-700 ring-red-600/20',
  stopped: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  interrupted: 'bg-orange-50 text-orange-800 ring-orange-600/20',
  cancelled: 'bg-slate-100 text-slate-500 ring-slate-500/20',
};

export function StatusBadge({ status, className }: { status: SessionStatus; className?: string }) {
  return (
    <span
      data-testid="training-status"
      data-status={status}
      className={cn(
        'inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset',
        STYLES[status],
        className,
      )}
    >
      {status === 'running' && <LoaderCircle className="size-3 animate-spin" aria-hidden="true" />}
      {STATUS_LABELS[status]}
    </span>
  );
}
