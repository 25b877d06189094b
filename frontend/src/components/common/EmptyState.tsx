import type { LucideIcon } from 'lucide-react';
import type { ReactNode } from 'react';

import { cn } from '@/utils/cn';

export interface EmptyStateProps {
  icon: LucideIcon;
  title: string;
  description: ReactNode;
  /** Short status line, e.g. "Not available yet". */
  badge?: string;
  children?: ReactNode;
  className?: string;
}

/** Says honestly what will appear in a place that has nothing to show yet. */
export function EmptyState({
  icon: Icon,
  title,
  description,
  badge,
  children,
  className,
}: EmptyStateProps) {
  return (
    <div
      role="status"
      className={cn(
        'flex flex-col items-center justify-center rounded-xl border border-dashed border-slate-300',
        'bg-white px-6 py-14 text-center',
        className,
      )}
    >
      <div className="flex size-12 items-center justify-center rounded-full bg-slate-100">
        <Icon className="size-6 text-slate-500" aria-hidden="true" />
      </div>
      <h3 className="mt-4 text-base font-semibold text-slate-900">{title}</h3>
      <p className="mt-1.5 max-w-md text-sm leading-6 text-slate-500">{description}</p>
      {badge !== undefined && (
        <span className="mt-4 inline-flex items-center rounded-full bg-amber-50 px-2.5 py-0.5 text-xs font-medium text-amber-700 ring-1 ring-inset ring-amber-600/20">
          {badge}
        </span>
      )}
      {children !== undefined && <div className="mt-6">{children}</div>}
    </div>
  );
}
