import type { paths } from '@/api/schema';
import type { ApiSchema } from '@/types/api';

import { api } from './api';
import { DetailedApiError, fieldErrorsOf, plainDetailOf } from './errors';
import { fileUploadForm, uploadWithProgress, type UploadOptions } from './upload';

export type ModelSummary = ApiSchema<'ModelSummary'>;
export type ModelDetail = ApiSchema<'ModelDetail'>;
export type ModelList = ApiSchema<'ModelList'>;
export type ModelUpdate = ApiSchema<'ModelUpdate'>;
export type ModelDeleted = ApiSchema<'ModelDeleted'>;
export type ModelImportJob = ApiSchema<'ModelImportJob'>;
export type ExportOut = ApiSchema<'ExportOut'>;
/** Derived from the operation: the schema's own name is disambiguated by the generator. */
export type ExportRequest = NonNullable<
  paths['/api/v1/models/{model_id}/export']['post']['requestBody']
>['content']['application/json'];
export type ExportFormatName = ExportRequest['format'];
export type ExportFormatList = ApiSchema<'ExportFormatList'>;
export type ExportFormatInfo = ExportFormatList['formats'][number];
export type EvaluationOut = ApiSchema<'EvaluationOut'>;
export type EvaluateRequest = ApiSchema<'EvaluateRequest'>;
export type SplitName = NonNullable<EvaluateRequest['split']>;
export type ModelComparison = ApiSchema<'ModelComparison'>;
export type ComparisonGroup = ApiSchema<'ComparisonGroup'>;
export type SessionLineage = ApiSchema<'SessionLineage'>;
export type DatasetLineage = ApiSchema<'DatasetLineage'>;
export type TrainingMetrics = ApiSchema<'TrainingMetricsResponse'>;
export type Dataset = ApiSchema<'Dataset'>;
type ModelListQuery = NonNullable<paths['/api/v1/models']['get']['parameters']['query']>;
export type ModelSource = NonNullable<ModelListQuery['source']>;
export type JobState = ExportOut['status'];

/** Limits the backend enforces (app/schemas/models.py), checked here before sending. */
export const MODEL_LIMITS = {
  nameMaxLength: 200,
  maxTags: 20,
  tagMaxLength: 40,
  maxCompare: 10,
  minCompare: 2,
} as const;

/** The backend's defaults for an evaluation (mAP wants a low confidence threshold). */
export const EVALUATION_DEFAULTS = { conf: 0.001, iou: 0.7 } as const;

export const SPLIT_NAMES: readonly SplitName[] = ['val', 'test', 'train'];

export const ACTIVE_JOB_STATES: readonly JobState[] = ['queued', 'running'];

export function isActive(status: JobState): boolean {
  return ACTIVE_JOB_STATES.includes(status);
}

/** A backend error of this area (see DetailedApiError). */
export class ModelApiError extends DetailedApiError {
  constructor(status: number, detail: string, fieldErrors: Record<string, string> = {}) {
    super(status, detail, fieldErrors);
    this.name = 'ModelApiError';
  }
}

export function modelErrorFrom(status: number, statusText: string, body: unknown): ModelApiError {
  return new ModelApiError(status, plainDetailOf(statusText, body), fieldErrorsOf(body));
}

function failed(response: Response, body: unknown): ModelApiError {
  return modelErrorFrom(response.status, response.statusText, body);
}

/** The user-facing reason of an error: the backend's `detail` without the HTTP prefix. */
export function reasonOf(error: unknown): string {
  if (error instanceof ModelApiError) return error.detail;
  if (error instanceof TypeError) return 'The backend could not be reached.';
  if (error instanceof Error) return error.message;
  return 'Unknown error';
}

export interface ModelFilters {
  source?: ModelSource | undefined;
  task?: string | undefined;
  tag?: string | undefined;
  search?: string | undefined;
}

/** The most the list endpoint returns in one page. */
export const MODEL_PAGE_LIMIT = 200;

export async function fetchModels(filters: ModelFilters, signal?: AbortSignal): Promise<ModelList> {
  const query: ModelListQuery = { limit: MODEL_PAGE_LIMIT };
  if (filters.source) query.source = filters.source;
  if (filters.task) query.task = filters.task;
  if (filters.tag) query.tag = filters.tag;
  const search = filters.search?.trim();
  if (search) query.search = search;
  const { data, error, response } = await api.GET('/api/v1/models', {
    params: { query },
    signal,
  });
  if (data === undefined) throw failed(response, error);
  return data;
}

export async function fetchModel(id: string, signal?: AbortSignal): Promise<ModelDetail> {
  const { data, error, response } = await api.GET('/api/v1/models/{model_id}', {
    params: { path: { model_id: id } },
    signal,
  });
  if (data === undefined) throw failed(response, error);
  return data;
}

export async function updateModel(id: string, body: ModelUpdate): Promise<ModelDetail> {
  const { data, error, response } = await api.PATCH('/api/v1/models/{model_id}', {
    params: { path: { model_id: id } },
    body,
  });
  if (data === undefined) throw failed(response, error);
  return data;
}

export async function deleteModel(id: string): Promise<ModelDeleted> {
  const { data, error, response } = await api.DELETE('/api/v1/models/{model_id}', {
    params: { path: { model_id: id } },
  });
  if (data === undefined) throw failed(response, error);
  return data;
}

export async function fetchExportFormats(signal?: AbortSignal): Promise<ExportFormatList> {
  const { data, error, response } = await api.GET('/api/v1/models/export-formats', { signal });
  if (data === undefined) throw failed(response, error);
  return data;
}

export async function startExport(id: string, body: ExportRequest): Promise<ExportOut> {
  const { data, error, response } = await api.POST('/api/v1/models/{model_id}/export', {
    params: { path: { model_id: id } },
    body,
  });
  if (data === undefined) throw failed(response, error);
  return data;
}

export async function fetchExport(
  modelId: string,
  exportId: string,
  signal?: AbortSignal,
): Promise<ExportOut> {
  const { data, error, response } = await api.GET('/api/v1/models/{model_id}/exports/{export_id}', {
    params: { path: { model_id: modelId, export_id: exportId } },
    signal,
  });
  if (data === undefined) throw failed(response, error);
  return data;
}

export async function deleteExport(modelId: string, exportId: string): Promise<void> {
  const { error, response } = await api.DELETE('/api/v1/models/{model_id}/exports/{export_id}', {
    params: { path: { model_id: modelId, export_id: exportId } },
  });
  if (!response.ok) throw failed(response, error);
}

export async function startEvaluation(id: string, body: EvaluateRequest): Promise<EvaluationOut> {
  const { data, error, response } = await api.POST('/api/v1/models/{model_id}/evaluate', {
    params: { path: { model_id: id } },
    body,
  });
  if (data === undefined) throw failed(response, error);
  return data;
}

export async function fetchComparison(
  ids: readonly string[],
  signal?: AbortSignal,
): Promise<ModelComparison> {
  const { data, error, response } = await api.GET('/api/v1/models/compare', {
    params: { query: { ids: ids.join(',') } },
    signal,
  });
  if (data === undefined) throw failed(response, error);
  return data;
}

export async function fetchImportJob(jobId: string, signal?: AbortSignal): Promise<ModelImportJob> {
  const { data, error, response } = await api.GET('/api/v1/models/imports/{job_id}', {
    params: { path: { job_id: jobId } },
    signal,
  });
  if (data === undefined) throw failed(response, error);
  return data;
}

export async function fetchSessionMetrics(
  sessionId: string,
  signal?: AbortSignal,
): Promise<TrainingMetrics> {
  const { data, error, response } = await api.GET(
    '/api/v1/training/sessions/{session_id}/metrics',
    {
      params: { path: { session_id: sessionId } },
      signal,
    },
  );
  if (data === undefined) throw failed(response, error);
  return data;
}

/** Ready datasets a model can be evaluated on. */
export async function fetchReadyDatasets(signal?: AbortSignal): Promise<Dataset[]> {
  const { data, error, response } = await api.GET('/api/v1/datasets', { signal });
  if (data === undefined) throw failed(response, error);
  return data.items.filter((dataset) => dataset.status === 'ready');
}

export function weightsDownloadUrl(id: string): string {
  return `/api/v1/models/${encodeURIComponent(id)}/download`;
}

export const IMPORT_URL = '/api/v1/models/import';

export { UploadCancelledError, type UploadOptions, type UploadProgress } from './upload';

/**
 * Uploads weights (multipart `file` + optional `name`) with progress reports.
 * Resolves with the queued import job (the check runs in a worker).
 */
export function uploadModelFile(file: File, options: UploadOptions = {}): Promise<ModelImportJob> {
  const { name, onProgress, signal } = options;
  return uploadWithProgress<ModelImportJob>({
    url: IMPORT_URL,
    form: fileUploadForm(file, name),
    errorFrom: modelErrorFrom,
    fallbackTotal: file.size,
    onProgress,
    signal,
  });
}
