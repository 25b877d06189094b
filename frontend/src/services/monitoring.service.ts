import type { ApiSchema } from '@/types/api';

import { api } from './api';
import { unwrap } from './errors';

export type GpuSample = ApiSchema<'GpuSample'>;
export type GpuStats = ApiSchema<'GpuStats'>;
export type HostStats = ApiSchema<'HostStats'>;
export type WorkerHostStats = ApiSchema<'WorkerHostStats'>;
export type WorkerSlotStats = ApiSchema<'WorkerSlotStats'>;
export type GpuInfo = ApiSchema<'GpuInfo'>;
export type GpuMetricsResponse = ApiSchema<'GpuMetricsResponse'>;
export type HistoryPoint = ApiSchema<'HistoryPoint'>;
export type GpuPoint = ApiSchema<'GpuPoint'>;
export type MonitoringSettings = ApiSchema<'MonitoringSettings'>;
export type DashboardSummary = ApiSchema<'DashboardSummary'>;
export type TrainingHistoryItem = ApiSchema<'TrainingHistoryItem'>;
export type SystemStatus = ApiSchema<'SystemStatus'>;
export type SystemIssue = ApiSchema<'SystemIssue'>;

/** A /ws/gpu message: one sample of the shared sampler. */
export type GpuStatsMessage = GpuSample & { type: 'gpu_stats' };

export const GPU_SOCKET_PATH = '/ws/gpu';

/** The defaults of the backend's MonitoringSettings (used until the stored ones have loaded). */
export const DEFAULT_MONITORING_SETTINGS: MonitoringSettings = {
  interval_s: 2,
  temperature_warning_c: 80,
  temperature_critical_c: 90,
  memory_warning_percent: 90,
  memory_critical_percent: 97,
  disk_warning_percent: 90,
  disk_critical_percent: 97,
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Narrows a parsed WebSocket message to a gpu_stats sample (anything else is dropped). */
export function parseGpuStatsMessage(value: unknown): GpuStatsMessage | null {
  if (!isRecord(value) || value.type !== 'gpu_stats') return null;
  if (typeof value.timestamp !== 'string' || !Array.isArray(value.gpus) || !isRecord(value.host)) {
    return null;
  }
  return value as unknown as GpuStatsMessage;
}

export async function fetchGpuInfo(signal?: AbortSignal): Promise<GpuInfo> {
  return unwrap(api.GET('/api/v1/system/gpu', { signal }));
}

export async function fetchDashboardSummary(signal?: AbortSignal): Promise<DashboardSummary> {
  return unwrap(api.GET('/api/v1/dashboard/summary', { signal }));
}

export async function fetchTrainingHistory(
  limit: number,
  signal?: AbortSignal,
): Promise<TrainingHistoryItem[]> {
  return unwrap(
    api.GET('/api/v1/dashboard/training-history', {
      params: { query: { limit } },
      signal,
    }),
  );
}

export async function fetchGpuMetrics(
  historyMinutes: number,
  signal?: AbortSignal,
): Promise<GpuMetricsResponse> {
  return unwrap(
    api.GET('/api/v1/dashboard/gpu-metrics', {
      params: { query: { history_minutes: historyMinutes } },
      signal,
    }),
  );
}

export async function fetchSystemStatus(signal?: AbortSignal): Promise<SystemStatus> {
  return unwrap(api.GET('/api/v1/dashboard/system-status', { signal }));
}

export async function fetchMonitoringSettings(signal?: AbortSignal): Promise<MonitoringSettings> {
  return unwrap(api.GET('/api/v1/settings/monitoring', { signal }));
}

export async function saveMonitoringSettings(
  settings: MonitoringSettings,
): Promise<MonitoringSettings> {
  return unwrap(
    api.PUT('/api/v1/settings/monitoring', {
      body: settings,
    }),
  );
}
