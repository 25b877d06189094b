import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';

import { DEFAULTS, mockApi } from '@/pages/Training/testing/fixtures';
import type { RunEstimate as Estimate, RunEstimateRequest } from '@/services/training.service';
import { jsonResponse } from '@/test/utils';

import { RunEstimate } from './RunEstimate';
import { estimateRequest, formatDuration } from './runEstimate';

const FORM = {
  datasetId: 'd'.repeat(32),
  modelArch: 'yolov8n-seg',
  imageSize: '320',
  epochs: '40',
  device: 'cpu',
};
const REASON = 'CPU only, offline: starter crack model: yolov8n-seg at 320 px, 40 epochs';

function renderEstimate(estimate: Estimate, form = FORM) {
  const posted: RunEstimateRequest[] = [];
  mockApi({
    'POST /api/v1/training/estimate': async (request) => {
      posted.push((await request.clone().json()) as RunEstimateRequest);
      return jsonResponse(estimate);
    },
  });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const defaults = {
    ...DEFAULTS,
    recommended: {
      reason: REASON,
      values: {},
      estimate: { ...estimate, warning: null },
    },
  };
  render(
    <QueryClientProvider client={client}>
      <RunEstimate defaults={defaults} {...form} />
    </QueryClientProvider>,
  );
  return posted;
}

describe('run estimate', () => {
  it('asks the server only for whole numbers in range', () => {
    expect(estimateRequest(FORM)).toEqual({
      dataset_id: FORM.datasetId,
      model_arch: 'yolov8n-seg',
      image_size: 320,
      epochs: 40,
      device: 'cpu',
    });
    expect(estimateRequest({ ...FORM, epochs: '' })).toBeNull();
    expect(estimateRequest({ ...FORM, epochs: '2.5' })).toBeNull();
    expect(estimateRequest({ ...FORM, imageSize: '4096' })).toBeNull();
    expect(estimateRequest({ ...FORM, datasetId: '' })?.dataset_id).toBeNull();
  });

  it('formats minutes and hours', () => {
    expect(formatDuration(30)).toBe('about 1 minute');
    expect(formatDuration(7 * 60 + 10)).toBe('about 7 minutes');
    expect(formatDuration(5 * 3600)).toBe('about 5.0 hours');
  });

  it('shows why the defaults suit this server and how long the run takes', async () => {
    const posted = renderEstimate({
      seconds: 430,
      epoch_seconds: 10.2,
      throughput_gflops: 95,
      basis: '4 past epochs on this machine',
      warning: null,
    });
    expect(screen.getByTestId('run-reason')).toHaveTextContent(REASON);
    expect(await screen.findByTestId('run-duration')).toHaveTextContent(
      'Estimated duration: about 7 minutes',
    );
    expect(screen.getByTestId('run-duration')).toHaveTextContent('4 past epochs on this machine');
    expect(screen.queryByTestId('run-warning')).not.toBeInTheDocument();
    expect(posted[0]).toMatchObject({ epochs: 40, image_size: 320, model_arch: 'yolov8n-seg' });
  });

  it('warns when the run would take over an hour', async () => {
    renderEstimate(
      {
        seconds: 5 * 3600,
        epoch_seconds: 180,
        throughput_gflops: 95,
        basis: 'a CPU probe on this machine (2 cores)',
        warning: 'About 5.0 hours on this machine: fewer epochs would shorten it.',
      },
      { ...FORM, imageSize: '640', epochs: '100' },
    );
    expect(await screen.findByTestId('run-warning')).toHaveTextContent('About 5.0 hours');
    expect(screen.getByTestId('run-duration')).toHaveTextContent('about 5.0 hours');
  });
});
