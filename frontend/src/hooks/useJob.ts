import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';

import { api } from '@/services/api';
import { hasStatus, unwrap } from '@/services/errors';
import type { ApiSchema } from '@/types/api';

/** Any background job (import, export, evaluation, training...) as GET /api/v1/jobs/{id} shows it. */
export type Job = ApiSchema<'JobOut'>;
export type JobStatus = Job['status'];

/** How often a running job is polled. */
export const JOB_POLL_INTERVAL_MS = 1_000;

export const jobKeys = {
  all: ['jobs'] as const,
  detail: (jobId: string) => [...jobKeys.all, jobId] as const,
};

/** A queued or running job; every other state is final. */
export function isJobRunning(status: JobStatus | undefined): boolean {
  return status === 'queued' || status === 'running';
}

function isNotFound(error: unknown): boolean {
  return hasStatus(error, 404);
}

export async function fetchJob(jobId: string, signal?: AbortSignal): Promise<Job> {
  return unwrap(api.GET('/api/v1/jobs/{job_id}', { params: { path: { job_id: jobId } }, signal }));
}

export interface UseJobOptions {
  /** Called once when the job reaches a final state (completed, failed, stopped...). */
  onFinished?: (job: Job) => void;
  intervalMs?: number;
}

/**
 * Polls GET /api/v1/jobs/{jobId} until the job is finished. `jobId` null: nothing is fetched.
 * `onFinished` runs once per job id, when it is first seen in a final state.
 */
export function useJob(jobId: string | null, options: UseJobOptions = {}): UseQueryResult<Job> {
  const { onFinished, intervalMs = JOB_POLL_INTERVAL_MS } = options;
  const query = useQuery({
    queryKey: jobKeys.detail(jobId ?? ''),
    queryFn: ({ signal }) => fetchJob(jobId ?? '', signal),
    enabled: jobId !== null,
    retry: (failureCount, error) => !isNotFound(error) && failureCount < 2,
    staleTime: 0,
    refetchInterval: (current) => {
      if (isNotFound(current.state.error)) return false;
      const status = current.state.data?.status;
      return status === undefined || isJobRunning(status) ? intervalMs : false;
    },
  });

  const onFinishedRef = useRef(onFinished);
  useEffect(() => {
    onFinishedRef.current = onFinished;
  }, [onFinished]);

  const reportedRef = useRef<string | null>(null);
  const job = query.data;
  useEffect(() => {
    if (job === undefined || isJobRunning(job.status) || job.id !== jobId) return;
    if (reportedRef.current === job.id) return;
    reportedRef.current = job.id;
    onFinishedRef.current?.(job);
  }, [job, jobId]);

  return query;
}
