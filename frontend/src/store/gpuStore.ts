import { create } from 'zustand';

import type { WebSocketStatus } from '@/hooks/useWebSocket';
import type { GpuSample, HistoryPoint } from '@/services/monitoring.service';

/** Live points kept for the charts: ten minutes at the default 2 s interval (more at a faster one). */
export const MAX_LIVE_POINTS = 600;
const LIVE_WINDOW_MS = 10 * 60 * 1000;

interface GpuState {
  /** The newest sample from /ws/gpu (null until the first arrives). */
  sample: GpuSample | null;
  /** Chartable points from the stream, oldest first, at most the last ten minutes. */
  live: HistoryPoint[];
  status: WebSocketStatus;
  ingest: (sample: GpuSample) => void;
  setStatus: (status: WebSocketStatus) => void;
  reset: () => void;
}

/** The chartable part of a sample: the same shape as the history the API returns. */
export function toHistoryPoint(sample: GpuSample): HistoryPoint {
  return {
    timestamp: sample.timestamp,
    cpu_percent: sample.host.cpu_percent,
    memory_percent: sample.host.memory_percent,
    disk_percent: sample.host.disk_percent ?? null,
    gpus: sample.gpus.map((gpu) => ({
      index: gpu.index,
      host: gpu.host || sample.hostname,
      utilization_percent: gpu.utilization_gpu_percent ?? null,
      memory_used_percent: gpu.memory_used_percent ?? null,
      temperature_c: gpu.temperature_c ?? null,
      power_w: gpu.power_draw_w ?? null,
    })),
  };
}

function appendLive(live: HistoryPoint[], point: HistoryPoint): HistoryPoint[] {
  const time = Date.parse(point.timestamp);
  const last = live.at(-1);
  if (last !== undefined && Date.parse(last.timestamp) >= time) return live; // a repeat (reconnect)
  const cutoff = time - LIVE_WINDOW_MS;
  const kept = live.filter((p) => Date.parse(p.timestamp) >= cutoff);
  return [...kept, point].slice(-MAX_LIVE_POINTS);
}

export const useGpuStore = create<GpuState>()((set) => ({
  sample: null,
  live: [],
  status: 'idle',
  ingest: (sample) => {
    set((state) => ({ sample, live: appendLive(state.live, toHistoryPoint(sample)) }));
  },
  setStatus: (status) => {
    set({ status });
  },
  reset: () => {
    set({ sample: null, live: [], status: 'idle' });
  },
}));

/**
 * Fetched history followed by the live points that are newer than its last point: charts start
 * with what the server remembers and then grow from the stream.
 */
export function mergeHistory(fetched: HistoryPoint[], live: HistoryPoint[]): HistoryPoint[] {
  const lastFetched = fetched.at(-1);
  if (lastFetched === undefined) return live;
  const after = Date.parse(lastFetched.timestamp);
  return [...fetched, ...live.filter((p) => Date.parse(p.timestamp) > after)];
}
