import type {
  GpuSample,
  GpuStats,
  GpuStatsMessage,
  HostStats,
  MonitoringSettings,
  WorkerHostStats,
} from '@/services/monitoring.service';
import { DEFAULT_MONITORING_SETTINGS } from '@/services/monitoring.service';

const GIB = 1024 ** 3;

export const THRESHOLDS: MonitoringSettings = { ...DEFAULT_MONITORING_SETTINGS };

export function host(overrides: Partial<HostStats> = {}): HostStats {
  return {
    cpu_percent: 37.5,
    cpu_per_core_percent: [50, 25],
    cpu_count: 2,
    load_average: [0.5, 0.4, 0.3],
    memory_total_bytes: 24 * GIB,
    memory_used_bytes: 6 * GIB,
    memory_available_bytes: 18 * GIB,
    memory_percent: 25,
    swap_total_bytes: 0,
    swap_used_bytes: 0,
    swap_percent: 0,
    disk_path: '/var/lib/crackdet',
    disk_total_bytes: 100 * GIB,
    disk_used_bytes: 40 * GIB,
    disk_free_bytes: 60 * GIB,
    disk_percent: 40,
    ...overrides,
  };
}

export const SERVER = 'api-server';

export function gpu(overrides: Partial<GpuStats> = {}): GpuStats {
  return {
    index: 0,
    host: SERVER,
    uuid: 'GPU-00000000-0000',
    name: 'NVIDIA GeForce RTX 4090',
    temperature_c: 45,
    utilization_gpu_percent: 30,
    utilization_memory_percent: 20,
    memory_used_bytes: 6 * GIB,
    memory_total_bytes: 24 * GIB,
    memory_free_bytes: 18 * GIB,
    memory_used_percent: 25,
    power_draw_w: 120,
    power_limit_w: 450,
    fan_percent: 40,
    clock_sm_mhz: 2100,
    clock_mem_mhz: 10500,
    processes: [{ pid: 4242, used_memory_bytes: 5 * GIB, name: 'python' }],
    ...overrides,
  };
}

export function gpuSample(gpus: GpuStats[], timestamp = '2026-11-26T12:00:00Z'): GpuSample {
  return {
    timestamp,
    gpu_available: true,
    gpu_reason: null,
    driver_version: '550.54',
    gpus,
    host: host(),
    hostname: SERVER,
    workers: [],
  };
}

export const NO_GPU_REASON =
  'No NVIDIA GPU found: the NVIDIA driver library (NVML) is not installed';

export function cpuOnlySample(timestamp = '2026-11-26T12:00:00Z'): GpuSample {
  return {
    timestamp,
    gpu_available: false,
    gpu_reason: NO_GPU_REASON,
    driver_version: null,
    gpus: [],
    host: host(),
    hostname: SERVER,
    workers: [],
  };
}

/** A worker node of the celery runner with one GPU slot per GPU it has (none: CPU slots only). */
export function workerHost(
  name: string,
  gpus: number,
  overrides: Partial<WorkerHostStats> = {},
): WorkerHostStats {
  const slots = Array.from({ length: gpus }, (_, i) => ({
    name: `${name}:gpu${String(i)}`,
    queue: 'gpu',
    gpu: String(i),
    alive: true,
  }));
  return {
    host: name,
    timestamp: '2026-11-26T12:00:00Z',
    gpu_available: gpus > 0,
    gpu_reason: gpus > 0 ? null : NO_GPU_REASON,
    driver_version: gpus > 0 ? '550.54' : null,
    cpu_percent: 12,
    memory_percent: 34,
    slots: gpus > 0 ? slots : [{ name: `${name}:cpu0`, queue: 'cpu', gpu: null, alive: true }],
    ...overrides,
  };
}

export function message(sample: GpuSample): GpuStatsMessage {
  return { ...sample, type: 'gpu_stats' };
}
