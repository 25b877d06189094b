import type { SessionStatus } from '@/services/training.service';
import type { ProgressInfo } from '@/store/trainingStore';

import { formatDuration } from './format';

export interface TrainingProgressProps {
  progress: ProgressInfo | null;
  status: SessionStatus;
  /** Epochs finished and planned, from the session (used before any batch progress arrives). */
  currentEpoch: number;
  totalEpochs: number;
}

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-sm font-semibold text-slate-900 tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

/** Overall progress with batch and epoch counts, percent and ETA. */
export function TrainingProgress({
  progress,
  status,
  currentEpoch,
  totalEpochs,
}: TrainingProgressProps) {
  const done = status === 'completed';
  const percent = done
    ? 100
    : (progress?.percent ?? (totalEpochs > 0 ? (100 * currentEpoch) / totalEpochs : 0));
  const epoch =
    progress?.epoch ?? Math.min(currentEpoch + (status === 'running' ? 1 : 0), totalEpochs);
  const epochs = progress?.totalEpochs ?? totalEpochs;
  const eta = status === 'running' ? formatDuration(progress?.etaSeconds) : done ? '0s' : '—';
  const clamped = Math.min(100, Math.max(0, percent));

  return (
    <div>
      <div className="flex items-baseline justify-between gap-4">
        <span className="text-sm font-medium text-slate-700">Progress</span>
        <span
          className="text-sm font-semibold text-slate-900 tabular-nums"
          data-testid="progress-percent"
        >
          {clamped.toFixed(1)}%
        </span>
      </div>
      <div
        role="progressbar"
        aria-label="Training progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(clamped * 10) / 10}
        className="mt-2 h-2.5 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div
          className={
            done
              ? 'h-full rounded-full bg-emerald-500 transition-[width] duration-300'
              : 'h-full rounded-full bg-sky-500 transition-[width] duration-300'
          }
          style={{ width: `${clamped}%` }}
        />
      </div>
      <dl className="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Stat label="Epoch" value={`${epoch} / ${epochs}`} testId="progress-epoch" />
        <Stat
          label="Batch"
          value={progress ? `${progress.batch} / ${progress.totalBatches}` : '—'}
          testId="progress-batch"
        />
        <Stat
          label="Elapsed"
          value={formatDuration(progress?.elapsedSeconds)}
          testId="progress-elapsed"
        />
        <Stat label="ETA" value={eta} testId="progress-eta" />
      </dl>
    </div>
  );
}
