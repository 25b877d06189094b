import type { SessionStatus } from '@/services/training.service';

export const STATUS_LABELS: Record<SessionStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  stopped: 'Stopped',
  interrupted: 'Interrupted',
  cancelled: 'Cancelled',
};
