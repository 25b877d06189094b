import { ProgressBar } from '@/components/common/ProgressBar';
import { isJobRunning, type Job } from '@/hooks/useJob';

import { JobStateBadge } from './Badge';
import { formatPercent } from './format';

export interface JobProgressProps {
  /** What the job does, e.g. "Export to ONNX" (the progress bar's accessible name). */
  label: string;
  job: Job | undefined;
}

/** A job's state, progress bar and last message while it runs. */
export function JobProgress({ label, job }: JobProgressProps) {
  const status = job?.status ?? 'queued';
  const progress = job?.progress ?? 0;
  const running = isJobRunning(status);
  let line = job?.message ?? null;
  if (status === 'queued') line = 'Waiting for a worker…';
  else if (running && line === null) line = 'Working…';
  return (
    <div className="rounded-lg border border-slate-200 p-3" data-testid="job-progress">
      <div className="mb-2 flex items-center justify-between gap-2 text-sm">
        <span className="font-medium text-slate-700">{label}</span>
        <JobStateBadge status={status} />
      </div>
      <ProgressBar value={progress} max={1} label={`${label} progress`} />
      <p className="mt-1 flex justify-between gap-3 text-xs text-slate-500">
        <span className="truncate">{line}</span>
        <span className="tabular-nums">{formatPercent(progress)}</span>
      </p>
    </div>
  );
}
