import { Cpu, Fan, TriangleAlert, Zap } from 'lucide-react';

import { Loader } from '@/components/common/Loader';
import type { GpuSample, GpuStats, MonitoringSettings } from '@/services/monitoring.service';

import { formatGiB, formatWatts } from './format';
import { HostPanel } from './HostPanel';
import { TemperatureGauge } from './TemperatureGauge';
import { UtilizationBar } from './UtilizationBar';
import { VRAMGauge } from './VRAMGauge';

export interface GPUMonitorProps {
  /** The latest sample (null while waiting for the first). */
  sample: GpuSample | null;
  thresholds: MonitoringSettings;
  /** Show CPU, RAM and disk under the GPUs (always shown when there is no GPU). */
  showHost?: boolean;
}

function GpuCard({ gpu, thresholds }: { gpu: GpuStats; thresholds: MonitoringSettings }) {
  return (
    <article
      className="rounded-lg border border-slate-200 p-4"
      data-testid={`gpu-card-${gpu.index}`}
      aria-label={`GPU ${gpu.index}`}
    >
      <header className="mb-3 flex items-baseline justify-between gap-2">
        <h3 className="truncate text-sm font-semibold text-slate-900">
          GPU {gpu.index} · {gpu.name}
        </h3>
        {gpu.uuid && (
          <span className="truncate font-mono text-[10px] text-slate-400" title={gpu.uuid}>
            {gpu.uuid.slice(0, 12)}
          </span>
        )}
      </header>
      <div className="flex flex-wrap justify-around gap-2">
        <VRAMGauge
          usedBytes={gpu.memory_used_bytes}
          totalBytes={gpu.memory_total_bytes}
          warningPercent={thresholds.memory_warning_percent}
          criticalPercent={thresholds.memory_critical_percent}
        />
        <TemperatureGauge
          celsius={gpu.temperature_c}
          warning={thresholds.temperature_warning_c}
          critical={thresholds.temperature_critical_c}
        />
      </div>
      <div className="mt-3 space-y-2">
        <UtilizationBar label="GPU utilisation" percent={gpu.utilization_gpu_percent} />
        <UtilizationBar label="Memory controller" percent={gpu.utilization_memory_percent} />
      </div>
      <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 text-xs text-slate-600">
        <dt className="flex items-center gap-1 text-slate-400">
          <Zap className="size-3" aria-hidden="true" /> Power
        </dt>
        <dd className="tabular-nums">
          {formatWatts(gpu.power_draw_w)} of {formatWatts(gpu.power_limit_w)}
        </dd>
        <dt className="flex items-center gap-1 text-slate-400">
          <Fan className="size-3" aria-hidden="true" /> Fan
        </dt>
        <dd className="tabular-nums">
          {gpu.fan_percent === null || gpu.fan_percent === undefined
            ? 'no reading'
            : `${gpu.fan_percent.toFixed(0)}%`}
        </dd>
        <dt className="text-slate-400">Clocks</dt>
        <dd className="tabular-nums">
          SM {gpu.clock_sm_mhz ?? '—'} · mem {gpu.clock_mem_mhz ?? '—'} MHz
        </dd>
      </dl>
      <div className="mt-3 text-xs">
        <p className="font-medium text-slate-500">Processes</p>
        {gpu.processes && gpu.processes.length > 0 ? (
          <ul className="mt-1 space-y-0.5 font-mono text-slate-600">
            {gpu.processes.map((proc) => (
              <li key={proc.pid}>
                {proc.pid} {proc.name ?? ''} · {formatGiB(proc.used_memory_bytes)}
              </li>
            ))}
          </ul>
        ) : (
          <p className="mt-1 text-slate-400">none</p>
        )}
      </div>
    </article>
  );
}

/** Says plainly that there is no GPU, why, and what that means. */
export function NoGpuNotice({ reason }: { reason: string | null | undefined }) {
  return (
    <div
      role="status"
      data-testid="no-gpu"
      className="flex items-start gap-3 rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm"
    >
      <TriangleAlert className="mt-0.5 size-5 shrink-0 text-amber-500" aria-hidden="true" />
      <div>
        <p className="font-semibold text-amber-900">
          No NVIDIA GPU found: training runs on the CPU.
        </p>
        {reason && <p className="mt-1 text-amber-800">{reason}</p>}
      </div>
    </div>
  );
}

/** One card per GPU (memory and temperature gauges, utilisation bars, processes) and the host. */
export function GPUMonitor({ sample, thresholds, showHost = true }: GPUMonitorProps) {
  if (sample === null) return <Loader label="Waiting for the first reading…" />;
  return (
    <div className="space-y-4" data-testid="gpu-monitor">
      {sample.gpu_available ? (
        <div className="grid gap-4 md:grid-cols-2">
          {sample.gpus.map((gpu) => (
            <GpuCard key={gpu.index} gpu={gpu} thresholds={thresholds} />
          ))}
        </div>
      ) : (
        <NoGpuNotice reason={sample.gpu_reason} />
      )}
      {(showHost || !sample.gpu_available) && (
        <section aria-label="Host">
          <h3 className="mb-2 flex items-center gap-1.5 text-xs font-semibold tracking-wide text-slate-500 uppercase">
            <Cpu className="size-3.5" aria-hidden="true" /> Host
          </h3>
          <HostPanel host={sample.host} thresholds={thresholds} />
        </section>
      )}
    </div>
  );
}
