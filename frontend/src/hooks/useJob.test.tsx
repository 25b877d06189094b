import { QueryClientProvider } from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';

import { job, mockApi } from '@/pages/Models/testing/fixtures';
import { createTestQueryClient, jsonResponse } from '@/test/utils';

import { isJobRunning, useJob } from './useJob';

function wrapper({ children }: { children: ReactNode }) {
  return <QueryClientProvider client={createTestQueryClient()}>{children}</QueryClientProvider>;
}

describe('useJob', () => {
  it('polls a job until it is finished and reports the end once', async () => {
    const fetchMock = mockApi({
      'GET /api/v1/jobs/job-export': [
        () => jsonResponse(job({ status: 'queued', progress: 0 })),
        () => jsonResponse(job({ status: 'running', progress: 0.5 })),
        () => jsonResponse(job({ status: 'failed', progress: 0.5, error: 'Export failed: boom' })),
      ],
    });
    const onFinished = vi.fn();
    const { result } = renderHook(() => useJob('job-export', { onFinished, intervalMs: 20 }), {
      wrapper,
    });
    await waitFor(() => {
      expect(result.current.data?.status).toBe('failed');
    });
    expect(onFinished).toHaveBeenCalledTimes(1);
    expect(onFinished).toHaveBeenCalledWith(
      expect.objectContaining({ error: 'Export failed: boom' }),
    );
    const calls = fetchMock.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fetchMock.mock.calls.length).toBe(calls);
  });

  it('fetches nothing without a job id', () => {
    const fetchMock = mockApi({});
    const { result } = renderHook(() => useJob(null), { wrapper });
    expect(result.current.fetchStatus).toBe('idle');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('knows which states are still running', () => {
    expect(isJobRunning('queued')).toBe(true);
    expect(isJobRunning('running')).toBe(true);
    expect(isJobRunning('completed')).toBe(false);
    expect(isJobRunning('interrupted')).toBe(false);
  });
});
