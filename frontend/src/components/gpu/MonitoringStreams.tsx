import { useGpuStream, useNotificationStream } from '@/hooks/useMonitoringStreams';

/** Opens the app's two live streams (/ws/gpu and /ws/notifications) once; renders nothing. */
export function MonitoringStreams() {
  useGpuStream();
  useNotificationStream();
  return null;
}
