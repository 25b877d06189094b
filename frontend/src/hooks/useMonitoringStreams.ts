import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

import { monitoringKeys } from '@/hooks/useMonitoring';
import { useWebSocket } from '@/hooks/useWebSocket';
import { GPU_SOCKET_PATH, parseGpuStatsMessage } from '@/services/monitoring.service';
import {
  NOTIFICATION_SOCKET_PATH,
  parseNotificationMessage,
  type NotificationMessage,
} from '@/services/notifications.service';
import { useGpuStore } from '@/store/gpuStore';
import { showToast } from '@/store/uiStore';

/** Feeds the GPU store from /ws/gpu (one connection for the whole app). */
export function useGpuStream(): void {
  const ingest = useGpuStore((state) => state.ingest);
  const setStatus = useGpuStore((state) => state.setStatus);
  const { status } = useWebSocket(GPU_SOCKET_PATH, {
    parse: parseGpuStatsMessage,
    onMessage: ingest,
  });
  useEffect(() => {
    setStatus(status);
  }, [status, setStatus]);
}

/** Each new notification pops up as a toast and refreshes the notification list. */
export function useNotificationStream(): void {
  const queryClient = useQueryClient();
  useWebSocket(NOTIFICATION_SOCKET_PATH, {
    parse: parseNotificationMessage,
    onMessage: (message: NotificationMessage) => {
      showToast({
        variant: message.level,
        title: message.title,
        ...(message.message ? { description: message.message } : {}),
      });
      void queryClient.invalidateQueries({ queryKey: monitoringKeys.notifications });
      if (message.source !== 'monitoring') {
        void queryClient.invalidateQueries({ queryKey: ['dashboard'] });
      }
    },
  });
}
