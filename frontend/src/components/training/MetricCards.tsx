import { Activity, Gauge, Timer, TrendingDown, Trophy } from 'lucide-react';
import type { LucideIcon } from 'lucide-react';

import type { EpochPoint } from '@/store/trainingStore';

import { formatDuration, formatLearningRate, formatMetric } from './format';

function MetricCard({
  icon: Icon,
  label,
  value,
  detail,
  testId,
}: {
  icon: LucideIcon;
  label: string;
  value: string;
  detail: string;
  testId: string;
}) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid={testId}>
      <div className="flex items-center gap-2 text-xs font-medium text-slate-500">
        <Icon className="size-4 text-slate-400" aria-hidden="true" />
        {label}
      </div>
      <div className="mt-2 text-2xl font-semibold tracking-tight text-slate-900 tabular-nums">
        {value}
      </div>
      <div className="mt-0.5 truncate text-xs text-slate-500 tabular-nums">{detail}</div>
    </div>
  );
}

export interface MetricCardsProps {
  epochs: readonly EpochPoint[];
  totalEpochs: number;
  currentEpoch: number;
}

function bestOf(epochs: readonly EpochPoint[]): EpochPoint | undefined {
  const flagged = epochs.filter((point) => point.isBest).at(-1);
  if (flagged !== undefined) return flagged;
  let best: EpochPoint | undefined;
  for (const point of epochs) {
    const value = point.metrics.mask_map50_95;
    if (value !== undefined && (best === undefined || value > (best.metrics.mask_map50_95 ?? -1))) {
      best = point;
    }
  }
  return best;
}

/** Current epoch, best mask mAP, last losses and learning rate. */
export function MetricCards({ epochs, totalEpochs, currentEpoch }: MetricCardsProps) {
  const last = epochs.at(-1);
  const best = bestOf(epochs);
  const epoch = Math.max(last?.epoch ?? 0, currentEpoch);
  return (
    <div className="grid grid-cols-2 gap-4 xl:grid-cols-5">
      <MetricCard
        icon={Activity}
        label="Epochs done"
        value={`${epoch} / ${totalEpochs}`}
        detail={
          last ? `last epoch ${formatDuration(last.metrics.epoch_time)}` : 'none finished yet'
        }
        testId="card-epoch"
      />
      <MetricCard
        icon={Trophy}
        label="Best mask mAP50-95"
        value={formatMetric(best?.metrics.mask_map50_95)}
        detail={best ? `epoch ${best.epoch} · mAP50 ${formatMetric(best.metrics.mask_map50)}` : '—'}
        testId="card-best-map"
      />
      <MetricCard
        icon={TrendingDown}
        label="Train loss"
        value={formatMetric(last?.metrics.train_loss)}
        detail={
          last
            ? `box ${formatMetric(last.metrics.train_box_loss, 2)} · seg ${formatMetric(last.metrics.train_seg_loss, 2)}`
            : '—'
        }
        testId="card-train-loss"
      />
      <MetricCard
        icon={Gauge}
        label="Val loss"
        value={formatMetric(last?.metrics.val_loss)}
        detail={last ? `box mAP50-95 ${formatMetric(last.metrics.box_map50_95)}` : '—'}
        testId="card-val-loss"
      />
      <MetricCard
        icon={Timer}
        label="Learning rate"
        value={formatLearningRate(last?.metrics.lr)}
        detail={last ? `after epoch ${last.epoch}` : '—'}
        testId="card-lr"
      />
    </div>
  );
}
