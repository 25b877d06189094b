import type { TrainingSessionSummary } from '@/services/training.service';

type QueueFields = Pick<TrainingSessionSummary, 'id' | 'status' | 'queue_position'>;

/**
 * Runs that start before a queued one: those running or already starting (queued, but their job
 * left the queue) plus those waiting ahead of it in the queue.
 */
export function runsAhead(session: QueueFields, active: readonly QueueFields[]): number {
  const started = active.filter(
    (other) =>
      other.id !== session.id &&
      (other.status === 'running' || (other.status === 'queued' && other.queue_position == null)),
  ).length;
  const waitingAhead = Math.max(0, (session.queue_position ?? 1) - 1);
  return started + waitingAhead;
}

export function queueText(ahead: number): string {
  if (ahead <= 0) return 'Queued: starts as soon as a training slot is free';
  return `Queued behind ${ahead} run${ahead === 1 ? '' : 's'}`;
}
