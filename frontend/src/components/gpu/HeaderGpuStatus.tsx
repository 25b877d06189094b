import { Cpu, MonitorCog } from 'lucide-react';

import { useThresholds } from '@/hooks/useMonitoring';
import type { GpuStats, MonitoringSettings } from '@/services/monitoring.service';
import { useGpuStore } from '@/store/gpuStore';
import { cn } from '@/utils/cn';

import { formatGiB, LEVEL_FILL, levelOf, worstLevel, type Level } from './format';
import { hostOf, isMultiHost } from './hosts';

function gpuLevel(gpu: GpuStats, t: MonitoringSettings): Level {
  return worstLevel([
    levelOf(gpu.temperature_c, t.temperature_warning_c, t.temperature_critical_c),
    levelOf(gpu.memory_used_percent, t.memory_warning_percent, t.memory_critical_percent),
  ]);
}

function GpuChip({
  gpu,
  thresholds,
  host,
}: {
  gpu: GpuStats;
  thresholds: MonitoringSettings;
  /** The machine's name when several machines report GPUs. */
  host?: string;
}) {
  const level = gpuLevel(gpu, thresholds);
  return (
    <span
      className="inline-flex items-center gap-1.5 tabular-nums"
      data-level={level}
      title={host === undefined ? undefined : `GPU ${String(gpu.index)} on ${host}`}
    >
      <span className={cn('size-2 rounded-full', LEVEL_FILL[level])} aria-hidden="true" />
      <span className="font-medium">
        {host === undefined ? '' : `${host} `}GPU {gpu.index}
      </span>
      <span>
        {gpu.temperature_c === null || gpu.temperature_c === undefined
          ? '—'
          : `${gpu.temperature_c.toFixed(0)}°C`}
      </span>
      <span>{gpu.utilization_gpu_percent?.toFixed(0) ?? '—'}%</span>
      <span className="hidden text-slate-500 lg:inline">
        {formatGiB(gpu.memory_used_bytes)}/{formatGiB(gpu.memory_total_bytes, 0)}
      </span>
    </span>
  );
}

const MAX_CHIPS = 2;

/** Compact live GPU status for the header: per-GPU temperature, load and memory, or "CPU only". */
export function HeaderGpuStatus() {
  const sample = useGpuStore((state) => state.sample);
  const status = useGpuStore((state) => state.status);
  const thresholds = useThresholds();
  const base =
    'inline-flex items-center gap-3 rounded-full border border-slate-200 bg-white px-3 py-1 text-xs text-slate-700 shadow-sm';

  if (sample === null) {
    return (
      <span className={base} data-testid="header-gpu-status">
        <MonitorCog className="size-3.5 text-slate-400" aria-hidden="true" />
        {status === 'open' ? 'GPU: waiting…' : 'GPU: connecting…'}
      </span>
    );
  }
  if (!sample.gpu_available) {
    return (
      <span
        className={base}
        data-testid="header-gpu-status"
        title={sample.gpu_reason ?? 'No NVIDIA GPU found'}
      >
        <Cpu className="size-3.5 text-slate-500" aria-hidden="true" />
        <span className="font-medium">CPU only</span>
        <span className="tabular-nums text-slate-500">
          CPU {sample.host.cpu_percent.toFixed(0)}% · RAM {sample.host.memory_percent.toFixed(0)}%
        </span>
      </span>
    );
  }
  const multiHost = isMultiHost(sample);
  const shown = sample.gpus.slice(0, MAX_CHIPS);
  const hidden = sample.gpus.length - shown.length;
  return (
    <span className={base} data-testid="header-gpu-status">
      {shown.map((gpu) => (
        <GpuChip
          key={`${hostOf(gpu, sample)}-${String(gpu.index)}`}
          gpu={gpu}
          thresholds={thresholds}
          {...(multiHost ? { host: hostOf(gpu, sample) } : {})}
        />
      ))}
      {hidden > 0 && <span className="text-slate-500">+{hidden} more</span>}
    </span>
  );
}
