import { formatGiB, levelOf } from './format';
import { RadialGauge } from './RadialGauge';

export interface VRAMGaugeProps {
  usedBytes: number | null | undefined;
  totalBytes: number | null | undefined;
  warningPercent: number;
  criticalPercent: number;
  label?: string;
}

/** GPU memory in use: percent on the dial, GiB underneath, coloured by the memory thresholds. */
export function VRAMGauge({
  usedBytes,
  totalBytes,
  warningPercent,
  criticalPercent,
  label = 'Memory',
}: VRAMGaugeProps) {
  const known = usedBytes !== null && usedBytes !== undefined && !!totalBytes;
  const percent = known ? (100 * usedBytes) / totalBytes : null;
  return (
    <RadialGauge
      label={label}
      value={percent}
      valueText={`${(percent ?? 0).toFixed(0)}%`}
      caption={known ? `${formatGiB(usedBytes)} / ${formatGiB(totalBytes)}` : undefined}
      level={levelOf(percent, warningPercent, criticalPercent)}
    />
  );
}
