import type { GpuSample, GpuStats, WorkerHostStats } from '@/services/monitoring.service';

/** The GPUs of one machine: the API server's own, or a worker node's (celery runner). */
export interface GpuHostGroup {
  host: string;
  /** The machine the API runs on. */
  local: boolean;
  gpus: GpuStats[];
  /** The worker node's summary and slots; null for the API server. */
  worker: WorkerHostStats | null;
}

/** The machine a GPU is in (readings from before hosts were recorded count as the API server's). */
export function hostOf(gpu: GpuStats, sample: GpuSample): string {
  return gpu.host || sample.hostname;
}

/** More than one machine reports: the API server and worker nodes, or several worker nodes. */
export function isMultiHost(sample: GpuSample): boolean {
  return (
    (sample.workers ?? []).length > 0 || new Set(sample.gpus.map((g) => hostOf(g, sample))).size > 1
  );
}

/**
 * GPUs grouped by machine: the API server first (when it has GPUs), then every worker node by name,
 * including nodes without a GPU (their CPU slots still run jobs). GPUs are ordered by index.
 */
export function groupGpusByHost(sample: GpuSample): GpuHostGroup[] {
  const groups = new Map<string, GpuHostGroup>();
  const group = (host: string): GpuHostGroup => {
    let found = groups.get(host);
    if (found === undefined) {
      found = { host, local: host === sample.hostname, gpus: [], worker: null };
      groups.set(host, found);
    }
    return found;
  };
  for (const gpu of sample.gpus) group(hostOf(gpu, sample)).gpus.push(gpu);
  for (const worker of sample.workers ?? []) group(worker.host).worker = worker;
  for (const found of groups.values()) found.gpus.sort((a, b) => a.index - b.index);
  return [...groups.values()].sort((a, b) => {
    if (a.local !== b.local) return a.local ? -1 : 1;
    return a.host.localeCompare(b.host);
  });
}
