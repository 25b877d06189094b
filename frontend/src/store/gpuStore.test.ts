import { cpuOnlySample, gpu, gpuSample } from '@/test/gpuSamples';

import { mergeHistory, toHistoryPoint, useGpuStore } from './gpuStore';

function at(seconds: number): string {
  return new Date(Date.UTC(2026, 10, 26, 12, 0, 0) + seconds * 1000).toISOString();
}

describe('gpuStore', () => {
  beforeEach(() => {
    useGpuStore.getState().reset();
  });

  it('keeps the newest sample and a chartable point per sample', () => {
    const { ingest } = useGpuStore.getState();
    ingest(gpuSample([gpu(), gpu({ index: 1, utilization_gpu_percent: 90 })], at(0)));
    ingest(gpuSample([gpu({ utilization_gpu_percent: 50 })], at(2)));
    const { sample, live } = useGpuStore.getState();
    expect(sample?.timestamp).toBe(at(2));
    expect(live.map((p) => p.gpus.map((g) => g.utilization_percent))).toEqual([[30, 90], [50]]);
  });

  it('ignores a repeated sample (sent again on reconnect) and keeps ten minutes', () => {
    const { ingest } = useGpuStore.getState();
    ingest(cpuOnlySample(at(0)));
    ingest(cpuOnlySample(at(0)));
    expect(useGpuStore.getState().live).toHaveLength(1);
    for (let s = 2; s <= 700; s += 2) ingest(cpuOnlySample(at(s)));
    const live = useGpuStore.getState().live;
    expect(live[0]?.timestamp).toBe(at(100)); // 700 s - 600 s
    expect(live.at(-1)?.timestamp).toBe(at(700));
  });

  it('merges fetched history with the newer live points', () => {
    const fetched = [at(0), at(60)].map((t) => toHistoryPoint(cpuOnlySample(t)));
    const live = [at(30), at(62), at(64)].map((t) => toHistoryPoint(cpuOnlySample(t)));
    expect(mergeHistory(fetched, live).map((p) => p.timestamp)).toEqual([
      at(0),
      at(60),
      at(62),
      at(64),
    ]);
    expect(mergeHistory([], live)).toBe(live);
  });
});
