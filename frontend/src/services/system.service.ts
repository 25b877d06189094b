import type { ApiSchema } from '@/types/api';

import { api } from './api';
import { apiErrorFrom } from './errors';

export type HealthResponse = ApiSchema<'HealthResponse'>;
export type HealthStatus = HealthResponse['status'];
export type SystemInfo = ApiSchema<'SystemInfo'>;
export type PackageVersions = ApiSchema<'PackageVersions'>;

export async function fetchHealth(signal?: AbortSignal): Promise<HealthResponse> {
  const { data, error, response } = await api.GET('/api/v1/system/health', { signal });
  if (data === undefined) throw apiErrorFrom(response, error);
  return data;
}

export async function fetchSystemInfo(signal?: AbortSignal): Promise<SystemInfo> {
  const { data, error, response } = await api.GET('/api/v1/system/info', { signal });
  if (data === undefined) throw apiErrorFrom(response, error);
  return data;
}
