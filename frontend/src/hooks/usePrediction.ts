import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';

import {
  exportPredictions,
  fetchPrediction,
  fetchPredictions,
  predictImage,
  predictUrl,
  saveFile,
  type PredictionExportRequest,
  type PredictionResult,
  type PredictParams,
} from '@/services/prediction.service';
import { errorMessage } from '@/services/errors';

export const predictionKeys = {
  all: ['predictions'] as const,
  history: (limit: number) => ['predictions', 'history', limit] as const,
  detail: (id: string) => ['predictions', 'detail', id] as const,
};

export const HISTORY_LIMIT = 50;

export function usePredictionHistory() {
  return useQuery({
    queryKey: predictionKeys.history(HISTORY_LIMIT),
    queryFn: ({ signal }) => fetchPredictions(HISTORY_LIMIT, signal),
  });
}

export function usePredictionResult(id: string | null) {
  return useQuery({
    queryKey: predictionKeys.detail(id ?? ''),
    queryFn: ({ signal }) => fetchPrediction(id ?? '', signal),
    enabled: id !== null,
    // A stored prediction never changes (re-filtering happens in the browser).
    staleTime: Infinity,
  });
}

export function useExportPredictions() {
  return useMutation({
    mutationFn: async (body: PredictionExportRequest) => {
      const file = await exportPredictions(body);
      saveFile(file);
      return file;
    },
  });
}

export type FileStatus = 'queued' | 'running' | 'done' | 'failed';

export interface BatchItem {
  key: string;
  name: string;
  status: FileStatus;
  error?: string;
  predictionId?: string;
  count?: number;
}

export type PredictionSource = { kind: 'files'; files: File[] } | { kind: 'url'; url: string };

function itemsFor(source: PredictionSource): BatchItem[] {
  if (source.kind === 'url') return [{ key: 'url-0', name: source.url, status: 'queued' }];
  return source.files.map((file, index) => ({
    key: `${index}-${file.name}`,
    name: file.name,
    status: 'queued',
  }));
}

function isCancelled(flag: { current: boolean }): boolean {
  return flag.current;
}

/**
 * Runs the images one request at a time so each file shows its own status; results land in the
 * query cache under their prediction id. `onResult` gets each finished prediction.
 */
export function useRunPredictions(onResult: (result: PredictionResult) => void) {
  const queryClient = useQueryClient();
  const [items, setItems] = useState<BatchItem[]>([]);
  const [running, setRunning] = useState(false);
  const cancelled = useRef(false);

  const update = useCallback((index: number, patch: Partial<BatchItem>) => {
    setItems((current) => current.map((item, i) => (i === index ? { ...item, ...patch } : item)));
  }, []);

  const run = useCallback(
    async (source: PredictionSource, params: PredictParams) => {
      cancelled.current = false;
      setItems(itemsFor(source));
      setRunning(true);
      const tasks =
        source.kind === 'url'
          ? [() => predictUrl(source.url, params)]
          : source.files.map((file) => () => predictImage(file, params));
      for (const [index, task] of tasks.entries()) {
        if (isCancelled(cancelled)) break;
        update(index, { status: 'running' });
        try {
          const result = await task();
          queryClient.setQueryData(predictionKeys.detail(result.id), result);
          update(index, { status: 'done', predictionId: result.id, count: result.instance_count });
          onResult(result);
        } catch (error) {
          update(index, { status: 'failed', error: errorMessage(error) });
        }
      }
      setRunning(false);
      await queryClient.invalidateQueries({ queryKey: ['predictions', 'history'] });
    },
    [onResult, queryClient, update],
  );

  const cancel = useCallback(() => {
    cancelled.current = true;
  }, []);

  return { items, running, run, cancel };
}
