import { render, screen, within } from '@testing-library/react';

import { createTestQueryClient } from '@/test/utils';
import { cpuOnlySample, gpu, gpuSample, NO_GPU_REASON, THRESHOLDS } from '@/test/gpuSamples';
import { useGpuStore } from '@/store/gpuStore';
import { QueryClientProvider } from '@tanstack/react-query';

import { GPUMonitor } from './GPUMonitor';
import { HeaderGpuStatus } from './HeaderGpuStatus';
import { TemperatureGauge } from './TemperatureGauge';
import { UtilizationBar } from './UtilizationBar';
import { VRAMGauge } from './VRAMGauge';

const GIB = 1024 ** 3;

describe('gauges', () => {
  it('VRAMGauge shows the percentage and GiB, coloured by the memory thresholds', () => {
    render(
      <VRAMGauge
        usedBytes={22 * GIB}
        totalBytes={24 * GIB}
        warningPercent={90}
        criticalPercent={97}
      />,
    );
    const meter = screen.getByRole('meter', { name: 'Memory' });
    expect(meter).toHaveAttribute('aria-valuetext', '92%');
    expect(meter).toHaveAttribute('data-level', 'warning');
    expect(meter).toHaveTextContent('22.0 GiB / 24.0 GiB');
  });

  it('TemperatureGauge is critical at the critical threshold and n/a without a reading', () => {
    const { rerender } = render(<TemperatureGauge celsius={93} warning={80} critical={90} />);
    expect(screen.getByRole('meter', { name: 'Temperature' })).toHaveAttribute(
      'data-level',
      'critical',
    );
    rerender(<TemperatureGauge celsius={null} warning={80} critical={90} />);
    const meter = screen.getByRole('meter', { name: 'Temperature' });
    expect(meter).toHaveAttribute('aria-valuetext', 'not available');
    expect(meter).toHaveTextContent('n/a');
  });

  it('UtilizationBar clamps its width and says n/a for a missing value', () => {
    const { rerender } = render(<UtilizationBar label="GPU utilisation" percent={130} />);
    expect(screen.getByRole('meter', { name: 'GPU utilisation' })).toHaveAttribute(
      'aria-valuenow',
      '100',
    );
    rerender(<UtilizationBar label="GPU utilisation" percent={null} />);
    expect(screen.getByText('n/a')).toBeInTheDocument();
  });
});

describe('GPUMonitor', () => {
  it('shows a card per GPU with its gauges, a missing fan and its processes', () => {
    const sample = gpuSample([
      gpu(),
      gpu({ index: 1, name: 'NVIDIA A100', fan_percent: null, processes: [] }),
    ]);
    render(<GPUMonitor sample={sample} thresholds={THRESHOLDS} />);
    const first = screen.getByTestId('gpu-card-0');
    expect(within(first).getByText('GPU 0 · NVIDIA GeForce RTX 4090')).toBeInTheDocument();
    expect(within(first).getByText(/4242 python/)).toBeInTheDocument();
    const second = screen.getByTestId('gpu-card-1');
    expect(within(second).getByText('no reading')).toBeInTheDocument();
    expect(within(second).getByText('none')).toBeInTheDocument();
    expect(screen.queryByTestId('no-gpu')).not.toBeInTheDocument();
    expect(screen.getByTestId('host-panel')).toBeInTheDocument();
  });

  it('says plainly when there is no GPU and shows CPU, RAM and disk', () => {
    render(<GPUMonitor sample={cpuOnlySample()} thresholds={THRESHOLDS} />);
    const notice = screen.getByTestId('no-gpu');
    expect(notice).toHaveTextContent('No NVIDIA GPU found: training runs on the CPU.');
    expect(notice).toHaveTextContent(NO_GPU_REASON);
    expect(screen.getByRole('meter', { name: 'CPU (2 cores)' })).toHaveAttribute(
      'aria-valuenow',
      '37.5',
    );
    expect(screen.getByRole('meter', { name: 'RAM' })).toBeInTheDocument();
    expect(screen.getByRole('meter', { name: 'Disk (data directory)' })).toBeInTheDocument();
  });

  it('waits for the first reading', () => {
    render(<GPUMonitor sample={null} thresholds={THRESHOLDS} />);
    expect(screen.getByText('Waiting for the first reading…')).toBeInTheDocument();
  });
});

describe('HeaderGpuStatus', () => {
  function renderStatus() {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => new Promise<Response>(() => undefined)),
    );
    render(
      <QueryClientProvider client={createTestQueryClient()}>
        <HeaderGpuStatus />
      </QueryClientProvider>,
    );
    return screen.getByTestId('header-gpu-status');
  }

  beforeEach(() => {
    useGpuStore.getState().reset();
  });

  it('says CPU only on a machine without GPU', () => {
    useGpuStore.getState().ingest(cpuOnlySample());
    const status = renderStatus();
    expect(status).toHaveTextContent('CPU only');
    expect(status).toHaveTextContent('CPU 38% · RAM 25%');
    expect(status).toHaveAttribute('title', NO_GPU_REASON);
  });

  it('shows each GPU with its temperature level, and how many more', () => {
    useGpuStore
      .getState()
      .ingest(gpuSample([gpu({ temperature_c: 85 }), gpu({ index: 1 }), gpu({ index: 2 })]));
    const status = renderStatus();
    expect(status).toHaveTextContent('GPU 085°C30%');
    expect(status.querySelector('[data-level="warning"]')).not.toBeNull();
    expect(status).toHaveTextContent('+1 more');
  });

  it('says it is connecting before the first sample', () => {
    expect(renderStatus()).toHaveTextContent('GPU: connecting…');
  });
});
