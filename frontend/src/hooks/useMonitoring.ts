import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type UseQueryResult,
} from '@tanstack/react-query';

import {
  DEFAULT_MONITORING_SETTINGS,
  fetchDashboardSummary,
  fetchGpuMetrics,
  fetchMonitoringSettings,
  fetchSystemStatus,
  fetchTrainingHistory,
  saveMonitoringSettings,
  type MonitoringSettings,
} from '@/services/monitoring.service';
import {
  fetchNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  type NotificationQuery,
} from '@/services/notifications.service';

/** Dashboard figures refresh at this pace (live readings come over the WebSocket instead). */
export const DASHBOARD_POLL_INTERVAL_MS = 10_000;

export const monitoringKeys = {
  settings: ['monitoring', 'settings'] as const,
  summary: ['dashboard', 'summary'] as const,
  trainingHistory: (limit: number) => ['dashboard', 'training-history', limit] as const,
  gpuMetrics: (minutes: number) => ['dashboard', 'gpu-metrics', minutes] as const,
  systemStatus: ['dashboard', 'system-status'] as const,
  notifications: ['notifications'] as const,
  notificationList: (query: NotificationQuery) => ['notifications', query] as const,
};

export function useDashboardSummary() {
  return useQuery({
    queryKey: monitoringKeys.summary,
    queryFn: ({ signal }) => fetchDashboardSummary(signal),
    refetchInterval: DASHBOARD_POLL_INTERVAL_MS,
  });
}

export function useTrainingHistory(limit: number) {
  return useQuery({
    queryKey: monitoringKeys.trainingHistory(limit),
    queryFn: ({ signal }) => fetchTrainingHistory(limit, signal),
    refetchInterval: DASHBOARD_POLL_INTERVAL_MS,
  });
}

/** History for the charts; windows over ten minutes are one-minute averages, refreshed each minute. */
export function useGpuMetrics(historyMinutes: number) {
  return useQuery({
    queryKey: monitoringKeys.gpuMetrics(historyMinutes),
    queryFn: ({ signal }) => fetchGpuMetrics(historyMinutes, signal),
    refetchInterval: historyMinutes > 10 ? 60_000 : false,
    placeholderData: keepPreviousData,
  });
}

export function useSystemStatus() {
  return useQuery({
    queryKey: monitoringKeys.systemStatus,
    queryFn: ({ signal }) => fetchSystemStatus(signal),
    refetchInterval: DASHBOARD_POLL_INTERVAL_MS,
  });
}

export function useMonitoringSettings(): UseQueryResult<MonitoringSettings> {
  return useQuery({
    queryKey: monitoringKeys.settings,
    queryFn: ({ signal }) => fetchMonitoringSettings(signal),
    staleTime: 60_000,
  });
}

/** The stored thresholds, or the defaults until they have loaded (or when they cannot). */
export function useThresholds(): MonitoringSettings {
  return useMonitoringSettings().data ?? DEFAULT_MONITORING_SETTINGS;
}

export function useSaveMonitoringSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: saveMonitoringSettings,
    onSuccess: (saved) => {
      queryClient.setQueryData(monitoringKeys.settings, saved);
      void queryClient.invalidateQueries({ queryKey: ['dashboard'] });
    },
  });
}

export function useNotifications(query: NotificationQuery, enabled = true) {
  return useQuery({
    queryKey: monitoringKeys.notificationList(query),
    queryFn: ({ signal }) => fetchNotifications(query, signal),
    enabled,
    placeholderData: keepPreviousData,
  });
}

export function useMarkNotificationRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: markNotificationRead,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: monitoringKeys.notifications }),
  });
}

export function useMarkAllNotificationsRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: markAllNotificationsRead,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: monitoringKeys.notifications }),
  });
}
