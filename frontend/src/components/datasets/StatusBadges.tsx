import { CircleAlert, CircleCheck, LoaderCircle, TriangleAlert } from 'lucide-react';

import type { DatasetStatus, ValidationStatus } from '@/services/datasets.service';
import { cn } from '@/utils/cn';

import { STATUS_LABELS, VALIDATION_LABELS } from './format';

const BADGE =
  'inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset';

const STATUS_CLASSES: Record<DatasetStatus, string> = {
  queued: 'bg-slate-50 text-slate-600 ring-slate-500/20',
  downloading: 'bg-sky-50 text-sky-700 ring-sky-600/20',
  extracting: 'bg-sky-50 text-sky-700 ring-sky-600/20',
  processing: 'bg-sky-50 text-sky-700 ring-sky-600/20',
  validating: 'bg-indigo-50 text-indigo-700 ring-indigo-600/20',
  ready: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  failed: 'bg-red-50 text-red-700 ring-red-600/20',
};

export function DatasetStatusBadge({ status }: { status: DatasetStatus }) {
  const busy = status !== 'ready' && status !== 'failed';
  return (
    <span className={cn(BADGE, STATUS_CLASSES[status])} data-status={status}>
      {busy && <LoaderCircle className="size-3 animate-spin" aria-hidden="true" />}
      {STATUS_LABELS[status]}
    </span>
  );
}

const VALIDATION_STYLES: Record<ValidationStatus, { className: string; icon: typeof CircleCheck }> =
  {
    passed: { className: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20', icon: CircleCheck },
    warnings: { className: 'bg-amber-50 text-amber-700 ring-amber-600/20', icon: TriangleAlert },
    errors: { className: 'bg-red-50 text-red-700 ring-red-600/20', icon: CircleAlert },
  };

export interface ValidationBadgeProps {
  status: ValidationStatus | null;
  errorCount?: number;
  warningCount?: number;
}

/** Validation outcome, with the error and warning counts when they are known. */
export function ValidationBadge({ status, errorCount, warningCount }: ValidationBadgeProps) {
  if (status === null) {
    return (
      <span className={cn(BADGE, 'bg-white text-slate-500 ring-slate-300')}>Not validated</span>
    );
  }
  const { className, icon: Icon } = VALIDATION_STYLES[status];
  const counts: string[] = [];
  if (errorCount !== undefined && errorCount > 0) {
    counts.push(`${errorCount} error${errorCount === 1 ? '' : 's'}`);
  }
  if (warningCount !== undefined && warningCount > 0) {
    counts.push(`${warningCount} warning${warningCount === 1 ? '' : 's'}`);
  }
  return (
    <span className={cn(BADGE, className)} data-validation={status}>
      <Icon className="size-3" aria-hidden="true" />
      {counts.length > 0 ? counts.join(', ') : VALIDATION_LABELS[status]}
    </span>
  );
}
