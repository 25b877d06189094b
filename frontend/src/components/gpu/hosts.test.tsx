import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';

import { useGpuStore } from '@/store/gpuStore';
import { cpuOnlySample, gpu, gpuSample, SERVER, THRESHOLDS, workerHost } from '@/test/gpuSamples';
import { createTestQueryClient } from '@/test/utils';

import { GPUMonitor } from './GPUMonitor';
import { HeaderGpuStatus } from './HeaderGpuStatus';
import { groupGpusByHost, isMultiHost } from './hosts';

/** The API server has no GPU; two worker nodes have GPUs with the same indexes; one has CPU slots only. */
function clusterSample() {
  return {
    ...cpuOnlySample(),
    gpu_available: true,
    gpu_reason: null,
    gpus: [
      gpu({ host: 'gpu-b', index: 1, uuid: 'GPU-b1', temperature_c: 92 }),
      gpu({ host: 'gpu-a', index: 0, uuid: 'GPU-a0' }),
      gpu({ host: 'gpu-b', index: 0, uuid: 'GPU-b0' }),
    ],
    workers: [workerHost('gpu-b', 2), workerHost('cpu-c', 0), workerHost('gpu-a', 1)],
  };
}

describe('groupGpusByHost', () => {
  it('groups GPUs by machine: the API server first, then worker nodes by name, GPUs by index', () => {
    const groups = groupGpusByHost({
      ...clusterSample(),
      gpus: [...clusterSample().gpus, gpu({ host: SERVER, index: 0 })],
    });
    expect(groups.map((g) => [g.host, g.local, g.gpus.map((x) => x.index)])).toEqual([
      [SERVER, true, [0]],
      ['cpu-c', false, []],
      ['gpu-a', false, [0]],
      ['gpu-b', false, [0, 1]],
    ]);
    expect(groups[3]?.worker?.slots?.map((s) => s.name)).toEqual(['gpu-b:gpu0', 'gpu-b:gpu1']);
    expect(groups[0]?.worker).toBeNull();
  });

  it('counts GPUs without a host (older readings) as the API server’s', () => {
    const sample = gpuSample([gpu({ host: '' }), gpu({ index: 1 })]);
    expect(isMultiHost(sample)).toBe(false);
    expect(groupGpusByHost(sample).map((g) => [g.host, g.gpus.length])).toEqual([[SERVER, 2]]);
    expect(isMultiHost(clusterSample())).toBe(true);
  });
});

describe('GPUMonitor with worker nodes', () => {
  it('shows a section per machine with its slots and GPU cards; a CPU node says it has no GPU', () => {
    render(<GPUMonitor sample={clusterSample()} thresholds={THRESHOLDS} />);
    const sections = screen.getAllByRole('region', { name: /^Machine / });
    expect(sections.map((s) => s.getAttribute('aria-label'))).toEqual([
      'Machine cpu-c',
      'Machine gpu-a',
      'Machine gpu-b',
    ]);
    const gpuB = screen.getByTestId('gpu-host-gpu-b');
    expect(gpuB).toHaveTextContent('worker');
    expect(gpuB).toHaveTextContent('2 training slots');
    expect(
      within(gpuB)
        .getAllByRole('article')
        .map((a) => a.getAttribute('aria-label')),
    ).toEqual(['GPU 0 on gpu-b', 'GPU 1 on gpu-b']);
    expect(screen.getByTestId('gpu-host-cpu-c')).toHaveTextContent('1 CPU slot');
    expect(screen.getByTestId('gpu-host-cpu-c')).toHaveTextContent('No GPU: No NVIDIA GPU found');
    expect(screen.queryByTestId('no-gpu')).not.toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Host' })).toHaveTextContent('API server');
  });
});

describe('HeaderGpuStatus with worker nodes', () => {
  it('names the machine of each GPU', () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => new Promise<Response>(() => undefined)),
    );
    useGpuStore.getState().reset();
    useGpuStore.getState().ingest(clusterSample());
    render(
      <QueryClientProvider client={createTestQueryClient()}>
        <HeaderGpuStatus />
      </QueryClientProvider>,
    );
    const status = screen.getByTestId('header-gpu-status');
    expect(status).toHaveTextContent('gpu-b GPU 1');
    expect(status.querySelector('[title="GPU 1 on gpu-b"]')).toHaveAttribute(
      'data-level',
      'critical',
    );
    expect(status).toHaveTextContent('+1 more');
  });
});
