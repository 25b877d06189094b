import type { GpuPoint, HistoryPoint } from '@/services/monitoring.service';

export type GpuMetric = 'gpu_utilization' | 'gpu_memory' | 'gpu_temperature' | 'gpu_power';
export type HostMetric = 'cpu' | 'ram' | 'disk';
export type ChartMetric = GpuMetric | HostMetric;

export interface MetricInfo {
  label: string;
  unit: string;
  /** Fixed range for percentages; undefined: fit the data. */
  domain?: [number, number];
}

export const METRICS: Record<ChartMetric, MetricInfo> = {
  gpu_utilization: { label: 'GPU utilisation', unit: '%', domain: [0, 100] },
  gpu_memory: { label: 'GPU memory', unit: '%', domain: [0, 100] },
  gpu_temperature: { label: 'GPU temperature', unit: '°C' },
  gpu_power: { label: 'GPU power', unit: 'W' },
  cpu: { label: 'CPU', unit: '%', domain: [0, 100] },
  ram: { label: 'RAM', unit: '%', domain: [0, 100] },
  disk: { label: 'Disk', unit: '%', domain: [0, 100] },
};

export const GPU_METRICS: readonly GpuMetric[] = [
  'gpu_utilization',
  'gpu_memory',
  'gpu_temperature',
  'gpu_power',
];
export const HOST_METRICS: readonly HostMetric[] = ['cpu', 'ram', 'disk'];

const GPU_FIELD: Record<GpuMetric, keyof Omit<GpuPoint, 'index' | 'host'>> = {
  gpu_utilization: 'utilization_percent',
  gpu_memory: 'memory_used_percent',
  gpu_temperature: 'temperature_c',
  gpu_power: 'power_w',
};

const HOST_FIELD: Record<HostMetric, 'cpu_percent' | 'memory_percent' | 'disk_percent'> = {
  cpu: 'cpu_percent',
  ram: 'memory_percent',
  disk: 'disk_percent',
};

const COLORS = [
  '#0284c7',
  '#16a34a',
  '#d97706',
  '#9333ea',
  '#dc2626',
  '#0891b2',
  '#4f46e5',
  '#65a30d',
];

export type ChartRow = { t: number } & Record<string, number | null>;

export interface ChartSeries {
  key: string;
  label: string;
  color: string;
}

function isGpuMetric(metric: ChartMetric): metric is GpuMetric {
  return (GPU_METRICS as readonly string[]).includes(metric);
}

/** The GPU indexes seen anywhere in the points, in order. */
export function gpuIndexes(points: readonly HistoryPoint[]): number[] {
  const seen = new Set<number>();
  for (const point of points) for (const gpu of point.gpus) seen.add(gpu.index);
  return [...seen].sort((a, b) => a - b);
}

/** Several machines report GPUs (celery worker nodes): lines are then named by host too. */
function hostsOf(points: readonly HistoryPoint[]): string[] {
  const hosts = new Set<string>();
  for (const point of points) for (const gpu of point.gpus) hosts.add(gpu.host);
  return [...hosts].sort();
}

/** The chart column of a GPU: `gpu0` on one machine, `gpu_<host>_0` when several report. */
function columnOf(gpu: GpuPoint, multiHost: boolean): string {
  return multiHost
    ? `gpu_${gpu.host.replace(/[^A-Za-z0-9]/g, '_')}_${String(gpu.index)}`
    : `gpu${String(gpu.index)}`;
}

export function seriesFor(points: readonly HistoryPoint[], metric: ChartMetric): ChartSeries[] {
  if (!isGpuMetric(metric)) {
    return [{ key: metric, label: METRICS[metric].label, color: COLORS[0] ?? '#0284c7' }];
  }
  const hosts = hostsOf(points);
  const multiHost = hosts.length > 1;
  const gpus = new Map<string, GpuPoint>();
  for (const point of points) for (const gpu of point.gpus) gpus.set(columnOf(gpu, multiHost), gpu);
  const ordered = [...gpus.entries()].sort(
    ([, a], [, b]) => a.host.localeCompare(b.host) || a.index - b.index,
  );
  return ordered.map(([key, gpu], i) => ({
    key,
    label: multiHost
      ? `${gpu.host || 'server'} · GPU ${String(gpu.index)}`
      : `GPU ${String(gpu.index)}`,
    color: COLORS[i % COLORS.length] ?? '#0284c7',
  }));
}

/** One row per point: `t` (ms since epoch) and one column per series. */
export function chartRows(points: readonly HistoryPoint[], metric: ChartMetric): ChartRow[] {
  const multiHost = hostsOf(points).length > 1;
  return points.map((point) => {
    const row: ChartRow = { t: Date.parse(point.timestamp) };
    if (isGpuMetric(metric)) {
      for (const gpu of point.gpus) row[columnOf(gpu, multiHost)] = gpu[GPU_FIELD[metric]] ?? null;
    } else {
      row[metric] = point[HOST_FIELD[metric]] ?? null;
    }
    return row;
  });
}

/** "14:05" for spans under a day, "Nov 26 14:05" beyond. */
export function timeFormatter(spanMs: number): (t: number) => string {
  const long = spanMs > 24 * 60 * 60 * 1000;
  const format = new Intl.DateTimeFormat(undefined, {
    ...(long ? { month: 'short', day: 'numeric' } : {}),
    hour: '2-digit',
    minute: '2-digit',
    ...(spanMs <= 5 * 60 * 1000 ? { second: '2-digit' } : {}),
  });
  return (t) => format.format(new Date(t));
}
