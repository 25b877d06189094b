import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

import { datasetKeys, useDatasetJob } from '@/hooks/useDatasets';
import type { DatasetJob } from '@/services/datasets.service';

const ENDED: readonly DatasetJob['status'][] = [
  'completed',
  'failed',
  'stopped',
  'cancelled',
  'interrupted',
];

export interface ImportJobWatcherProps {
  jobId: string;
  /** Called once when the job has ended (any outcome). */
  onEnded: (job: DatasetJob) => void;
}

/**
 * Follows one import job until it ends. A failed upload leaves no dataset behind, so its job is the
 * only place that keeps the reason; the page shows it from `onEnded`. Renders nothing.
 */
export function ImportJobWatcher({ jobId, onEnded }: ImportJobWatcherProps) {
  const job = useDatasetJob(jobId);
  const queryClient = useQueryClient();
  const ended = job.data !== undefined && ENDED.includes(job.data.status);

  useEffect(() => {
    if (!ended) return;
    void queryClient.invalidateQueries({ queryKey: datasetKeys.list() });
    onEnded(job.data);
  }, [ended, job.data, onEnded, queryClient]);

  return null;
}
