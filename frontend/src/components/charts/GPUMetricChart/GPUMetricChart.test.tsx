import { render, screen } from '@testing-library/react';

import type { HistoryPoint } from '@/services/monitoring.service';

import { GPUMetricChart } from '.';
import { chartRows, seriesFor, timeFormatter } from './series';

const POINTS: HistoryPoint[] = [
  {
    timestamp: '2026-11-26T12:00:00Z',
    cpu_percent: 10,
    memory_percent: 20,
    disk_percent: 30,
    gpus: [
      {
        index: 0,
        host: 'api-server',
        utilization_percent: 50,
        memory_used_percent: 25,
        temperature_c: 60,
        power_w: 100,
      },
      {
        index: 1,
        host: 'api-server',
        utilization_percent: null,
        memory_used_percent: 5,
        temperature_c: 40,
        power_w: 50,
      },
    ],
  },
  {
    timestamp: '2026-11-26T12:01:00Z',
    cpu_percent: 11,
    memory_percent: 21,
    disk_percent: 30,
    gpus: [
      {
        index: 0,
        host: 'api-server',
        utilization_percent: 70,
        memory_used_percent: 26,
        temperature_c: 65,
        power_w: 150,
      },
    ],
  },
];

describe('GPUMetricChart series', () => {
  it('has a line per GPU seen, with a missing reading as null', () => {
    expect(seriesFor(POINTS, 'gpu_utilization').map((s) => s.label)).toEqual(['GPU 0', 'GPU 1']);
    expect(chartRows(POINTS, 'gpu_utilization')).toEqual([
      { t: Date.parse('2026-11-26T12:00:00Z'), gpu0: 50, gpu1: null },
      { t: Date.parse('2026-11-26T12:01:00Z'), gpu0: 70 },
    ]);
    expect(chartRows(POINTS, 'gpu_temperature')[0]).toMatchObject({ gpu0: 60, gpu1: 40 });
  });

  it('names the lines by machine when worker nodes report GPUs with the same index', () => {
    const point = (t: string, a: number, b: number): HistoryPoint => ({
      timestamp: t,
      cpu_percent: 1,
      memory_percent: 1,
      disk_percent: 1,
      gpus: [
        { index: 0, host: 'gpu-box.lan', utilization_percent: a },
        { index: 0, host: 'api-server', utilization_percent: b },
      ],
    });
    const points = [point('2026-11-26T12:00:00Z', 90, 10), point('2026-11-26T12:00:02Z', 80, 20)];
    expect(seriesFor(points, 'gpu_utilization').map((s) => [s.key, s.label])).toEqual([
      ['gpu_api_server_0', 'api-server · GPU 0'],
      ['gpu_gpu_box_lan_0', 'gpu-box.lan · GPU 0'],
    ]);
    expect(chartRows(points, 'gpu_utilization')[1]).toEqual({
      t: Date.parse('2026-11-26T12:00:02Z'),
      gpu_gpu_box_lan_0: 80,
      gpu_api_server_0: 20,
    });
  });

  it('has one line for a host metric', () => {
    expect(seriesFor(POINTS, 'ram')).toHaveLength(1);
    expect(chartRows(POINTS, 'ram').map((row) => row.ram)).toEqual([20, 21]);
    expect(seriesFor([], 'gpu_power')).toEqual([]);
  });

  it('shows dates only for spans over a day', () => {
    const t = Date.parse('2026-11-26T12:00:00Z');
    expect(timeFormatter(60 * 60 * 1000)(t)).not.toMatch(/Nov/);
    expect(timeFormatter(3 * 24 * 60 * 60 * 1000)(t)).toMatch(/Nov/);
  });
});

describe('GPUMetricChart', () => {
  it('renders the points and says so when there are none', () => {
    const { rerender } = render(<GPUMetricChart points={POINTS} metric="gpu_memory" />);
    const figure = screen.getByRole('figure', { name: 'GPU memory over time' });
    expect(figure).toHaveAttribute('data-points', '2');
    expect(figure).toHaveAttribute('data-series', '2');
    rerender(<GPUMetricChart points={[]} metric="cpu" />);
    expect(screen.getByText('No readings yet…')).toBeInTheDocument();
  });
});
