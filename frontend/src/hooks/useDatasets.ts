import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type UseQueryResult,
} from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';

import {
  deleteDataset,
  enhanceDataset,
  fetchDataset,
  fetchDatasetImages,
  fetchDatasetJob,
  fetchDatasets,
  fetchDatasetStats,
  fetchRoboflowKeyStatus,
  importFromRoboflow,
  isInProgress,
  UploadCancelledError,
  uploadDatasetZip,
  validateDataset,
  type Dataset,
  type DatasetDetail,
  type DatasetImagePage,
  type DatasetJob,
  type DatasetList,
  type EnhanceRequest,
  type ImagePageQuery,
  type RoboflowImportRequest,
  type UploadProgress,
} from '@/services/datasets.service';
import { hasStatus } from '@/services/errors';

/** How often a dataset that is importing (or a job) is polled. */
export const DATASET_POLL_INTERVAL_MS = 1_500;

export const datasetKeys = {
  all: ['datasets'] as const,
  list: () => [...datasetKeys.all, 'list'] as const,
  detail: (id: string) => [...datasetKeys.all, 'detail', id] as const,
  stats: (id: string) => [...datasetKeys.all, 'stats', id] as const,
  images: (id: string, query: ImagePageQuery) => [...datasetKeys.all, 'images', id, query] as const,
  job: (jobId: string) => [...datasetKeys.all, 'job', jobId] as const,
  roboflowKey: ['settings', 'roboflow-key'] as const,
};

function notFound(error: unknown): boolean {
  return hasStatus(error, 404);
}

/** All datasets; polled while any of them is importing. */
export function useDatasets(): UseQueryResult<DatasetList> {
  return useQuery({
    queryKey: datasetKeys.list(),
    queryFn: ({ signal }) => fetchDatasets(signal),
    refetchInterval: (query) =>
      query.state.data?.items.some((item) => isInProgress(item.status))
        ? DATASET_POLL_INTERVAL_MS
        : false,
  });
}

/** One dataset with its validation report; polled while it is importing. A 404 is not retried. */
export function useDataset(id: string): UseQueryResult<DatasetDetail> {
  return useQuery({
    queryKey: datasetKeys.detail(id),
    queryFn: ({ signal }) => fetchDataset(id, signal),
    retry: (failureCount, error) => !notFound(error) && failureCount < 1,
    refetchInterval: (query) =>
      query.state.data !== undefined && isInProgress(query.state.data.status)
        ? DATASET_POLL_INTERVAL_MS
        : false,
  });
}

export function useDatasetStats(id: string, enabled: boolean) {
  return useQuery({
    queryKey: datasetKeys.stats(id),
    queryFn: ({ signal }) => fetchDatasetStats(id, signal),
    enabled,
  });
}

export function useDatasetImages(
  id: string,
  query: ImagePageQuery,
  enabled: boolean,
): UseQueryResult<DatasetImagePage> {
  return useQuery({
    queryKey: datasetKeys.images(id, query),
    queryFn: ({ signal }) => fetchDatasetImages(id, query, signal),
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

/** A dataset job, polled until it ends (used to explain a failed upload, which leaves no dataset). */
export function useDatasetJob(jobId: string): UseQueryResult<DatasetJob> {
  return useQuery({
    queryKey: datasetKeys.job(jobId),
    queryFn: ({ signal }) => fetchDatasetJob(jobId, signal),
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status === undefined || status === 'queued' || status === 'running'
        ? DATASET_POLL_INTERVAL_MS
        : false;
    },
  });
}

export function useRoboflowKeyStatus() {
  return useQuery({
    queryKey: datasetKeys.roboflowKey,
    queryFn: ({ signal }) => fetchRoboflowKeyStatus(signal),
    staleTime: 60_000,
  });
}

export function useImportFromRoboflow() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RoboflowImportRequest) => importFromRoboflow(body),
    onSuccess: async (_result, body) => {
      if (body.save_api_key)
        await queryClient.invalidateQueries({ queryKey: datasetKeys.roboflowKey });
      await queryClient.invalidateQueries({ queryKey: datasetKeys.list() });
    },
  });
}

export function useValidateDataset(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => validateDataset(id),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: datasetKeys.all });
    },
  });
}

export function useDeleteDataset() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, force }: { id: string; force: boolean }) => deleteDataset(id, force),
    onSuccess: async (_result, { id }) => {
      queryClient.removeQueries({ queryKey: datasetKeys.detail(id) });
      await queryClient.invalidateQueries({ queryKey: datasetKeys.list() });
    },
  });
}

export function useEnhanceDataset(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: EnhanceRequest) => enhanceDataset(id, body),
    onSuccess: async ({ dataset, started }) => {
      // The new copy opens at once with its progress instead of a loading state.
      if (started) {
        queryClient.setQueryData<DatasetDetail>(datasetKeys.detail(dataset.id), {
          ...dataset,
          validation: null,
        });
      }
      await queryClient.invalidateQueries({ queryKey: datasetKeys.list() });
    },
  });
}

export type ZipUploadState =
  | { phase: 'idle' }
  | { phase: 'uploading'; file: File; progress: UploadProgress }
  | { phase: 'done'; file: File; dataset: Dataset }
  | { phase: 'failed'; file: File; error: unknown };

/**
 * Uploads one zip at a time with progress and cancel. Unmounting cancels a running upload.
 * Cancelling returns to idle; a refusal keeps the error for the user to read.
 */
export function useZipUpload(onUploaded?: (dataset: Dataset) => void) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<ZipUploadState>({ phase: 'idle' });
  const controllerRef = useRef<AbortController | null>(null);
  const onUploadedRef = useRef(onUploaded);

  useEffect(() => {
    onUploadedRef.current = onUploaded;
  }, [onUploaded]);

  useEffect(
    () => () => {
      controllerRef.current?.abort();
    },
    [],
  );

  const start = useCallback(
    async (file: File, name?: string) => {
      controllerRef.current?.abort();
      const controller = new AbortController();
      controllerRef.current = controller;
      setState({ phase: 'uploading', file, progress: { loaded: 0, total: file.size } });
      try {
        const dataset = await uploadDatasetZip(file, {
          name,
          signal: controller.signal,
          onProgress: (progress) => {
            if (!controller.signal.aborted) setState({ phase: 'uploading', file, progress });
          },
        });
        if (controller.signal.aborted) return;
        setState({ phase: 'done', file, dataset });
        await queryClient.invalidateQueries({ queryKey: datasetKeys.list() });
        onUploadedRef.current?.(dataset);
      } catch (error) {
        if (error instanceof UploadCancelledError || controller.signal.aborted) {
          if (controllerRef.current === controller) setState({ phase: 'idle' });
          return;
        }
        setState({ phase: 'failed', file, error });
      } finally {
        if (controllerRef.current === controller) controllerRef.current = null;
      }
    },
    [queryClient],
  );

  const cancel = useCallback(() => {
    controllerRef.current?.abort();
    setState({ phase: 'idle' });
  }, []);

  const reset = useCallback(() => {
    setState({ phase: 'idle' });
  }, []);

  return { state, start, cancel, reset };
}
