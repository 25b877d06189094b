import type { ReactNode } from 'react';

import type { JobState } from '@/services/models.service';
import { cn } from '@/utils/cn';

import { JOB_STATE_LABELS } from './format';

export type BadgeTone = 'slate' | 'sky' | 'emerald' | 'amber' | 'red' | 'violet';

const TONE_CLASSES: Record<BadgeTone, string> = {
  slate: 'bg-slate-100 text-slate-700 ring-slate-500/20',
  sky: 'bg-sky-50 text-sky-700 ring-sky-600/20',
  emerald: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  amber: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  red: 'bg-red-50 text-red-700 ring-red-600/20',
  violet: 'bg-violet-50 text-violet-700 ring-violet-600/20',
};

export function Badge({
  tone = 'slate',
  children,
  className,
  title,
}: {
  tone?: BadgeTone;
  children: ReactNode;
  className?: string;
  title?: string;
}) {
  return (
    <span
      title={title}
      className={cn(
        'inline-flex items-center rounded-md px-1.5 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset',
        TONE_CLASSES[tone],
        className,
      )}
    >
      {children}
    </span>
  );
}

const STATE_TONES: Record<JobState, BadgeTone> = {
  queued: 'slate',
  running: 'sky',
  completed: 'emerald',
  failed: 'red',
  stopped: 'amber',
  cancelled: 'amber',
  interrupted: 'amber',
};

export function JobStateBadge({ status }: { status: JobState }) {
  return <Badge tone={STATE_TONES[status]}>{JOB_STATE_LABELS[status]}</Badge>;
}

export function SourceBadge({ source }: { source: string }) {
  return source === 'trained' ? (
    <Badge tone="sky">Trained</Badge>
  ) : (
    <Badge tone="violet">Imported</Badge>
  );
}
