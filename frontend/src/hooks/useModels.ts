import {
  keepPreviousData,
  useMutation,
  useQuery,
  useQueryClient,
  type UseQueryResult,
} from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';

import {
  deleteExport,
  deleteModel,
  fetchComparison,
  fetchExportFormats,
  fetchImportJob,
  fetchModel,
  fetchModels,
  fetchReadyDatasets,
  fetchSessionMetrics,
  isActive,
  startEvaluation,
  startExport,
  updateModel,
  UploadCancelledError,
  uploadModelFile,
  type EvaluateRequest,
  type ExportRequest,
  type ModelDetail,
  type ModelFilters,
  type ModelImportJob,
  type ModelList,
  type ModelUpdate,
  type UploadProgress,
} from '@/services/models.service';
import { hasStatus } from '@/services/errors';

import { isJobRunning, JOB_POLL_INTERVAL_MS } from './useJob';

/** How often a model with a queued or running export/evaluation is refreshed. */
export const MODEL_POLL_INTERVAL_MS = 1_500;

export const modelKeys = {
  all: ['models'] as const,
  lists: () => [...modelKeys.all, 'list'] as const,
  list: (filters: ModelFilters) => [...modelKeys.lists(), filters] as const,
  detail: (id: string) => [...modelKeys.all, 'detail', id] as const,
  compare: (ids: readonly string[]) => [...modelKeys.all, 'compare', ids] as const,
  importJob: (jobId: string) => [...modelKeys.all, 'import', jobId] as const,
  exportFormats: ['models', 'export-formats'] as const,
  sessionMetrics: (sessionId: string) => ['training', 'metrics', sessionId] as const,
  readyDatasets: ['models', 'evaluation-datasets'] as const,
};

function isNotFound(error: unknown): boolean {
  return hasStatus(error, 404);
}

function hasRunningWork(model: ModelDetail | undefined): boolean {
  if (model === undefined) return false;
  return (
    model.exports.some((item) => isActive(item.status)) ||
    model.evaluations.some((item) => isActive(item.status))
  );
}

/** Models matching the filters (newest first); the previous page stays shown while filtering. */
export function useModels(filters: ModelFilters): UseQueryResult<ModelList> {
  return useQuery({
    queryKey: modelKeys.list(filters),
    queryFn: ({ signal }) => fetchModels(filters, signal),
    placeholderData: keepPreviousData,
  });
}

/** One model with lineage, exports and evaluations; polled while one of them is running. */
export function useModel(id: string): UseQueryResult<ModelDetail> {
  return useQuery({
    queryKey: modelKeys.detail(id),
    queryFn: ({ signal }) => fetchModel(id, signal),
    retry: (failureCount, error) => !isNotFound(error) && failureCount < 1,
    refetchInterval: (query) => (hasRunningWork(query.state.data) ? MODEL_POLL_INTERVAL_MS : false),
  });
}

export function useUpdateModel(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ModelUpdate) => updateModel(id, body),
    onSuccess: async (model) => {
      queryClient.setQueryData(modelKeys.detail(id), model);
      await queryClient.invalidateQueries({ queryKey: modelKeys.lists() });
    },
  });
}

export function useDeleteModel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteModel(id),
    onSuccess: async (_result, id) => {
      queryClient.removeQueries({ queryKey: modelKeys.detail(id) });
      await queryClient.invalidateQueries({ queryKey: modelKeys.lists() });
    },
  });
}

export function useExportFormats() {
  return useQuery({
    queryKey: modelKeys.exportFormats,
    queryFn: ({ signal }) => fetchExportFormats(signal),
    staleTime: 60_000,
  });
}

export function useStartExport(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ExportRequest) => startExport(id, body),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: modelKeys.detail(id) });
    },
  });
}

export function useDeleteExport(modelId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (exportId: string) => deleteExport(modelId, exportId),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: modelKeys.detail(modelId) });
    },
  });
}

export function useStartEvaluation(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: EvaluateRequest) => startEvaluation(id, body),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: modelKeys.detail(id) });
    },
  });
}

export function useModelComparison(ids: readonly string[]) {
  return useQuery({
    queryKey: modelKeys.compare(ids),
    queryFn: ({ signal }) => fetchComparison(ids, signal),
    enabled: ids.length >= 2,
    retry: false,
  });
}

/** Per-epoch metrics of the training run that produced a model (null: not a trained model). */
export function useSessionMetrics(sessionId: string | null) {
  return useQuery({
    queryKey: modelKeys.sessionMetrics(sessionId ?? ''),
    queryFn: ({ signal }) => fetchSessionMetrics(sessionId ?? '', signal),
    enabled: sessionId !== null,
    retry: false,
    staleTime: 60_000,
  });
}

export function useReadyDatasets(enabled: boolean) {
  return useQuery({
    queryKey: modelKeys.readyDatasets,
    queryFn: ({ signal }) => fetchReadyDatasets(signal),
    enabled,
  });
}

/** An import job, polled until the worker has registered or refused the file. */
export function useImportJob(jobId: string | null): UseQueryResult<ModelImportJob> {
  return useQuery({
    queryKey: modelKeys.importJob(jobId ?? ''),
    queryFn: ({ signal }) => fetchImportJob(jobId ?? '', signal),
    enabled: jobId !== null,
    staleTime: 0,
    refetchInterval: (query) => {
      if (isNotFound(query.state.error)) return false;
      const status = query.state.data?.status;
      return status === undefined || isJobRunning(status) ? JOB_POLL_INTERVAL_MS : false;
    },
  });
}

export type ModelUploadState =
  | { phase: 'idle' }
  | { phase: 'uploading'; file: File; progress: UploadProgress }
  | { phase: 'uploaded'; file: File; job: ModelImportJob }
  | { phase: 'failed'; file: File; error: unknown };

/**
 * Uploads one .pt file with progress and cancel; unmounting cancels a running upload. Once the
 * server has queued the check, the state holds its import job (poll it with `useImportJob`).
 */
export function useModelUpload() {
  const [state, setState] = useState<ModelUploadState>({ phase: 'idle' });
  const controllerRef = useRef<AbortController | null>(null);

  useEffect(
    () => () => {
      controllerRef.current?.abort();
    },
    [],
  );

  const start = useCallback(async (file: File, name?: string) => {
    controllerRef.current?.abort();
    const controller = new AbortController();
    controllerRef.current = controller;
    setState({ phase: 'uploading', file, progress: { loaded: 0, total: file.size } });
    try {
      const job = await uploadModelFile(file, {
        ...(name === undefined ? {} : { name }),
        signal: controller.signal,
        onProgress: (progress) => {
          if (!controller.signal.aborted) setState({ phase: 'uploading', file, progress });
        },
      });
      if (!controller.signal.aborted) setState({ phase: 'uploaded', file, job });
    } catch (error) {
      if (error instanceof UploadCancelledError || controller.signal.aborted) {
        if (controllerRef.current === controller) setState({ phase: 'idle' });
        return;
      }
      setState({ phase: 'failed', file, error });
    } finally {
      if (controllerRef.current === controller) controllerRef.current = null;
    }
  }, []);

  const cancel = useCallback(() => {
    controllerRef.current?.abort();
    setState({ phase: 'idle' });
  }, []);

  const reset = useCallback(() => {
    setState({ phase: 'idle' });
  }, []);

  return { state, start, cancel, reset };
}
