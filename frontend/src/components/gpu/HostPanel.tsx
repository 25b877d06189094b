import type { HostStats, MonitoringSettings } from '@/services/monitoring.service';

import { formatGiB } from './format';
import { UtilizationBar } from './UtilizationBar';

/** One thin bar per core (works for 2 cores or 128). */
function CoreStrip({ percents }: { percents: number[] }) {
  const summary = percents.map((p, core) => `core ${core} ${p.toFixed(0)}%`).join(', ');
  return (
    <div>
      <p className="mb-1 text-[11px] text-slate-500">Per core</p>
      <div
        role="img"
        aria-label={`Per-core CPU: ${summary}`}
        className="flex h-8 items-end gap-0.5 rounded bg-slate-100 p-0.5"
      >
        {percents.map((percent, core) => (
          <div
            key={core}
            title={`core ${core}: ${percent.toFixed(0)}%`}
            className="min-w-0.5 flex-1 rounded-sm bg-sky-500"
            style={{ height: `${Math.min(Math.max(percent, 2), 100)}%` }}
          />
        ))}
      </div>
    </div>
  );
}

export interface HostPanelProps {
  host: HostStats;
  thresholds: MonitoringSettings;
}

/** CPU (total and per core), RAM, swap and the disk of the data directory. */
export function HostPanel({ host, thresholds }: HostPanelProps) {
  const load = host.load_average?.map((value) => value.toFixed(2)).join(' / ');
  return (
    <div className="grid gap-4 md:grid-cols-2" data-testid="host-panel">
      <div className="space-y-3">
        <UtilizationBar
          label={`CPU (${host.cpu_count} cores)`}
          percent={host.cpu_percent}
          {...(load ? { detail: `load ${load}` } : {})}
        />
        <CoreStrip percents={host.cpu_per_core_percent} />
      </div>
      <div className="space-y-3">
        <UtilizationBar
          label="RAM"
          percent={host.memory_percent}
          detail={`${formatGiB(host.memory_used_bytes)} of ${formatGiB(host.memory_total_bytes)}`}
          warning={thresholds.memory_warning_percent}
          critical={thresholds.memory_critical_percent}
        />
        {host.swap_total_bytes > 0 && (
          <UtilizationBar
            label="Swap"
            percent={host.swap_percent}
            detail={`${formatGiB(host.swap_used_bytes)} of ${formatGiB(host.swap_total_bytes)}`}
          />
        )}
        <UtilizationBar
          label="Disk (data directory)"
          percent={host.disk_percent}
          detail={`${formatGiB(host.disk_free_bytes)} free`}
          warning={thresholds.disk_warning_percent}
          critical={thresholds.disk_critical_percent}
        />
        <p className="truncate font-mono text-[11px] text-slate-400" title={host.disk_path}>
          {host.disk_path}
        </p>
      </div>
    </div>
  );
}
