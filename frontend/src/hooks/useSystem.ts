import { useQuery, type UseQueryResult } from '@tanstack/react-query';

import {
  fetchHealth,
  fetchSystemInfo,
  type HealthResponse,
  type HealthStatus,
} from '@/services/system.service';

export const HEALTH_POLL_INTERVAL_MS = 10_000;

export const systemKeys = {
  health: ['system', 'health'] as const,
  info: ['system', 'info'] as const,
};

/** Backend health, polled every 10 s. Not retried: a failed poll means "unreachable" right away. */
export function useHealth(): UseQueryResult<HealthResponse> {
  return useQuery({
    queryKey: systemKeys.health,
    queryFn: ({ signal }) => fetchHealth(signal),
    refetchInterval: HEALTH_POLL_INTERVAL_MS,
    retry: false,
  });
}

export function useSystemInfo() {
  return useQuery({
    queryKey: systemKeys.info,
    queryFn: ({ signal }) => fetchSystemInfo(signal),
    staleTime: 60_000,
  });
}

export type BackendStatus = HealthStatus | 'checking' | 'unreachable';

/** What the header shows: the last poll's outcome (a failed poll wins over older data). */
export function backendStatusOf(
  health: Pick<UseQueryResult<HealthResponse>, 'data' | 'isError'>,
): BackendStatus {
  if (health.isError) return 'unreachable';
  return health.data?.status ?? 'checking';
}
