import { Cpu, Fan, Server, TriangleAlert, Zap } from 'lucide-react';

import { Loader } from '@/components/common/Loader';
import type { GpuSample, GpuStats, MonitoringSettings } from '@/services/monitoring.service';

import { formatGiB, formatWatts } from './format';
import { HostPanel } from './HostPanel';
import { groupGpusByHost, isMultiHost, type GpuHostGroup } from './hosts';
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

function GpuCard({
  gpu,
  thresholds,
  host,
}: {
  gpu: GpuStats;
  thresholds: MonitoringSettings;
  /** The machine's name when several machines are shown. */
  host?: string;
}) {
  return (
    <article
      className="rounded-lg border border-slate-200 p-4"
      data-testid={`gpu-card-${String(gpu.index)}`}
      data-host={host}
      aria-label={
        host === undefined ? `GPU ${String(gpu.index)}` : `GPU ${String(gpu.index)} on ${host}`
      }
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

function slotSummary(group: GpuHostGroup): string | null {
  const slots = group.worker?.slots ?? [];
  if (slots.length === 0) return null;
  const gpuSlots = slots.filter((slot) => slot.queue === 'gpu').length;
  const cpuSlots = slots.length - gpuSlots;
  const down = slots.filter((slot) => !slot.alive).length;
  const parts = [
    gpuSlots > 0 ? `${String(gpuSlots)} training slot${gpuSlots === 1 ? '' : 's'}` : null,
    cpuSlots > 0 ? `${String(cpuSlots)} CPU slot${cpuSlots === 1 ? '' : 's'}` : null,
    down > 0 ? `${String(down)} restarting` : null,
  ];
  return parts.filter((part) => part !== null).join(' · ');
}

/** One machine: its name, what it is (API server or worker node), its slots and its GPU cards. */
function HostGroup({ group, thresholds }: { group: GpuHostGroup; thresholds: MonitoringSettings }) {
  const slots = slotSummary(group);
  return (
    <section aria-label={`Machine ${group.host}`} data-testid={`gpu-host-${group.host}`}>
      <h3 className="mb-2 flex flex-wrap items-center gap-x-2 gap-y-1 text-sm font-semibold text-slate-800">
        <Server className="size-4 text-slate-400" aria-hidden="true" />
        <span className="font-mono">{group.host}</span>
        <span className="rounded-full bg-slate-100 px-2 py-0.5 text-[11px] font-medium text-slate-600">
          {group.local ? 'API server' : 'worker'}
        </span>
        {slots !== null && <span className="text-xs font-normal text-slate-500">{slots}</span>}
      </h3>
      {group.gpus.length > 0 ? (
        <div className="grid gap-4 md:grid-cols-2">
          {group.gpus.map((gpu) => (
            <GpuCard
              key={`${group.host}-${String(gpu.index)}`}
              gpu={gpu}
              thresholds={thresholds}
              host={group.host}
            />
          ))}
        </div>
      ) : (
        <p className="text-xs text-slate-500">
          No GPU{group.worker?.gpu_reason ? `: ${group.worker.gpu_reason}` : ''}
        </p>
      )}
    </section>
  );
}

/**
 * One card per GPU (memory and temperature gauges, utilisation bars, processes) and the host. With
 * celery worker nodes the GPUs are grouped by machine.
 */
export function GPUMonitor({ sample, thresholds, showHost = true }: GPUMonitorProps) {
  if (sample === null) return <Loader label="Waiting for the first reading…" />;
  const multiHost = isMultiHost(sample);
  return (
    <div className="space-y-4" data-testid="gpu-monitor">
      {multiHost ? (
        groupGpusByHost(sample)
          .filter((group) => group.gpus.length > 0 || group.worker !== null)
          .map((group) => <HostGroup key={group.host} group={group} thresholds={thresholds} />)
      ) : sample.gpu_available ? (
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
            <Cpu className="size-3.5" aria-hidden="true" /> {multiHost ? 'API server' : 'Host'}
          </h3>
          <HostPanel host={sample.host} thresholds={thresholds} />
        </section>
      )}
    </div>
  );
}
