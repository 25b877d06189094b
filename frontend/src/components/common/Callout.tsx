import { CircleAlert, CircleCheck, Info, TriangleAlert } from 'lucide-react';
import type { ReactNode } from 'react';

import { cn } from '@/utils/cn';

export type CalloutTone = 'error' | 'warning' | 'info' | 'success';

const TONES: Record<CalloutTone, { box: string; icon: typeof Info; iconClass: string }> = {
  error: {
    box: 'border-red-200 bg-red-50 text-red-800',
    icon: CircleAlert,
    iconClass: 'text-red-500',
  },
  warning: {
    box: 'border-amber-200 bg-amber-50 text-amber-900',
    icon: TriangleAlert,
    iconClass: 'text-amber-500',
  },
  info: { box: 'border-sky-200 bg-sky-50 text-sky-900', icon: Info, iconClass: 'text-sky-500' },
  success: {
    box: 'border-emerald-200 bg-emerald-50 text-emerald-900',
    icon: CircleCheck,
    iconClass: 'text-emerald-500',
  },
};

export interface CalloutProps {
  tone: CalloutTone;
  title?: string;
  children?: ReactNode;
  actions?: ReactNode;
  className?: string;
  testId?: string;
}

/** An inline message box; errors are announced (role="alert"). */
export function Callout({ tone, title, children, actions, className, testId }: CalloutProps) {
  const { box, icon: Icon, iconClass } = TONES[tone];
  return (
    <div
      role={tone === 'error' ? 'alert' : 'status'}
      data-testid={testId}
      className={cn('flex items-start gap-3 rounded-lg border p-3 text-sm', box, className)}
    >
      <Icon className={cn('mt-0.5 size-4 shrink-0', iconClass)} aria-hidden="true" />
      <div className="min-w-0 flex-1">
        {title !== undefined && <p className="font-semibold">{title}</p>}
        {children !== undefined && (
          <div className={cn('break-words', title !== undefined && 'mt-0.5')}>{children}</div>
        )}
        {actions !== undefined && <div className="mt-3 flex flex-wrap gap-2">{actions}</div>}
      </div>
    </div>
  );
}
