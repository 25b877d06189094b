import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import type {
  DashboardSummary,
  GpuMetricsResponse,
  SystemStatus,
  TrainingHistoryItem,
} from '@/services/monitoring.service';
import { useGpuStore } from '@/store/gpuStore';
import { FakeWebSocket } from '@/test/FakeWebSocket';
import { cpuOnlySample, gpu, gpuSample, message } from '@/test/gpuSamples';
import { HEALTHY, jsonResponse, mockFetch, renderRoute, SYSTEM_INFO } from '@/test/utils';

const SUMMARY: DashboardSummary = {
  trainings: {
    active: 1,
    queued: 2,
    completed: 5,
    failed: 1,
    total: 9,
    by_status: { running: 1, queued: 2, completed: 5, failed: 1 },
  },
  datasets: 3,
  models: 4,
  gpu: {
    available: false,
    count: 0,
    status: 'unavailable',
    reason: 'No NVIDIA GPU found',
    names: [],
  },
  unread_notifications: 0,
  last_updated: '2026-11-26T12:00:00Z',
};

const STATUS: SystemStatus = {
  status: 'warning',
  issues: [
    { level: 'info', source: 'gpu', message: 'No NVIDIA GPU found: training runs on the CPU' },
    { level: 'warning', source: 'host', message: 'Disk 95% full' },
  ],
  gpu_available: false,
  gpu_count: 0,
  cpu_percent: 12,
  memory_percent: 30,
  disk_percent: 95,
  timestamp: '2026-11-26T12:00:00Z',
};

const HISTORY: TrainingHistoryItem[] = [
  {
    id: 'a1',
    name: 'cracks-yolo',
    framework: 'ultralytics',
    model_arch: 'yolov8n-seg',
    status: 'completed',
    current_epoch: 10,
    total_epochs: 10,
    progress: 1,
    best_metric: 0.6123,
    created_at: '2026-11-26T11:00:00Z',
  },
];

function metrics(minutes: number): GpuMetricsResponse {
  const points = [0, 1, 2].map((i) => ({
    timestamp: new Date(Date.UTC(2026, 10, 26, 11, 50 + i)).toISOString(),
    cpu_percent: 10 + i,
    memory_percent: 30,
    disk_percent: 95,
    gpus: [],
  }));
  return {
    current: null,
    history: points,
    history_minutes: minutes,
    resolution_s: minutes > 10 ? 60 : 2,
    interval_s: 2,
    source: minutes > 10 ? 'downsampled' : 'live',
  };
}

describe('dashboard', { timeout: 20_000 }, () => {
  let requested: string[];

  beforeEach(() => {
    FakeWebSocket.reset();
    vi.stubGlobal('WebSocket', FakeWebSocket);
    requested = [];
    const fetchMock = mockFetch({
      '/api/v1/system/health': () => jsonResponse(HEALTHY),
      '/api/v1/system/info': () => jsonResponse(SYSTEM_INFO),
      '/api/v1/dashboard/summary': () => jsonResponse(SUMMARY),
      '/api/v1/dashboard/system-status': () => jsonResponse(STATUS),
      '/api/v1/dashboard/training-history': () => jsonResponse(HISTORY),
      '/api/v1/dashboard/gpu-metrics': () => jsonResponse(metrics(Number(lastQuery()))),
    });
    const lastQuery = () => {
      const input = fetchMock.mock.calls.at(-1)?.[0];
      const url = new URL(input instanceof Request ? input.url : String(input));
      requested.push(url.pathname + url.search);
      return url.searchParams.get('history_minutes') ?? '10';
    };
  });

  beforeEach(() => {
    useGpuStore.getState().reset();
  });

  it('shows the counts, the system status and recent trainings', async () => {
    renderRoute('/');
    expect(await screen.findByTestId('summary-active')).toHaveTextContent('1');
    expect(screen.getByTestId('summary-active')).toHaveTextContent('2 queued');
    expect(screen.getByTestId('summary-completed')).toHaveTextContent('5');
    expect(screen.getByTestId('summary-datasets')).toHaveTextContent('3');
    expect(screen.getByTestId('summary-models')).toHaveTextContent('4');
    expect(screen.getByTestId('summary-gpu')).toHaveTextContent('CPU only');
    expect(await screen.findByTestId('system-status')).toHaveTextContent('warning');
    const issues = screen.getByRole('list', { name: 'System issues' });
    expect(within(issues).getByText('Disk 95% full')).toBeInTheDocument();
    expect(await screen.findByTestId('recent-trainings')).toHaveTextContent('cracks-yolo');
    expect(screen.getByTestId('recent-trainings')).toHaveTextContent('0.612');
    expect(await screen.findByText('Connected')).toBeInTheDocument();
  });

  it('on a machine without GPU shows CPU, RAM and disk and says no GPU was found', async () => {
    renderRoute('/');
    const gpuSocket = FakeWebSocket.instances.find((s) => s.url.endsWith('/ws/gpu'));
    act(() => {
      gpuSocket?.open();
      gpuSocket?.receive(JSON.stringify(message(cpuOnlySample())));
    });
    expect(await screen.findByTestId('no-gpu')).toHaveTextContent(
      'No NVIDIA GPU found: training runs on the CPU.',
    );
    expect(screen.getByRole('heading', { name: 'CPU, RAM and disk' })).toBeInTheDocument();
    const metricButtons = screen.getByRole('group', { name: 'Metric' });
    expect(
      within(metricButtons)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['CPU', 'RAM', 'Disk']);
    await waitFor(() => {
      expect(screen.getByTestId('gpu-metric-chart-cpu')).toHaveAttribute('data-points', '4');
    });
  });

  it('shows a gauge per GPU and switches the chart range to stored history', async () => {
    const user = userEvent.setup();
    renderRoute('/');
    const gpuSocket = FakeWebSocket.instances.find((s) => s.url.endsWith('/ws/gpu'));
    act(() => {
      gpuSocket?.open();
      gpuSocket?.receive(JSON.stringify(message(gpuSample([gpu(), gpu({ index: 1 })]))));
    });
    expect(await screen.findByTestId('gpu-card-1')).toBeInTheDocument();
    expect(screen.getAllByRole('meter', { name: 'Temperature' })).toHaveLength(2);
    await user.click(screen.getByRole('button', { name: '7 days' }));
    await waitFor(() => {
      expect(requested).toContain('/api/v1/dashboard/gpu-metrics?history_minutes=10080');
    });
    expect(await screen.findByText(/one-minute averages/)).toBeInTheDocument();
  });
});
