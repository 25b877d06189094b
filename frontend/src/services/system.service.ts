import type { ApiSchema } from '@/types/api';

import { api } from './api';
import { unwrap } from './errors';

export type HealthResponse = ApiSchema<'HealthResponse'>;
export type HealthStatus = HealthResponse['status'];
export type SystemInfo = ApiSchema<'SystemInfo'>;
export type PackageVersions = ApiSchema<'PackageVersions'>;

export async function fetchHealth(signal?: AbortSignal): Promise<HealthResponse> {
  return unwrap(api.GET('/api/v1/system/health', { signal }));
}

export async function fetchSystemInfo(signal?: AbortSignal): Promise<SystemInfo> {
  return unwrap(api.GET('/api/v1/system/info', { signal }));
}
