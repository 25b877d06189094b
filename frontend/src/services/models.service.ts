import type { paths } from '@/api/schema';
import type { ApiSchema } from '@/types/api';

import { fieldLimits, requiredBound } from '@/api/limits';

import { api } from './api';
import { unwrap } from './errors';
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

const MODEL_NAME = fieldLimits('ModelUpdate', 'name');
const MODEL_TAGS = fieldLimits('ModelUpdate', 'tags');

/** Limits the backend enforces (its OpenAPI schema where it states them), checked before sending. */
export const MODEL_LIMITS = {
  nameMaxLength: requiredBound(MODEL_NAME, MODEL_NAME.maxLength, 'model name maxLength'),
  maxTags: requiredBound(MODEL_TAGS, MODEL_TAGS.maxItems, 'model tags maxItems'),
  // Checked by a validator (app/schemas/models.py), not stated in the schema.
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
  return unwrap(
    api.GET('/api/v1/models', {
      params: { query },
      signal,
    }),
  );
}

export async function fetchModel(id: string, signal?: AbortSignal): Promise<ModelDetail> {
  return unwrap(
    api.GET('/api/v1/models/{model_id}', {
      params: { path: { model_id: id } },
      signal,
    }),
  );
}

export async function updateModel(id: string, body: ModelUpdate): Promise<ModelDetail> {
  return unwrap(
    api.PATCH('/api/v1/models/{model_id}', {
      params: { path: { model_id: id } },
      body,
    }),
  );
}

export async function deleteModel(id: string): Promise<ModelDeleted> {
  return unwrap(
    api.DELETE('/api/v1/models/{model_id}', {
      params: { path: { model_id: id } },
    }),
  );
}

export async function fetchExportFormats(signal?: AbortSignal): Promise<ExportFormatList> {
  return unwrap(api.GET('/api/v1/models/export-formats', { signal }));
}

export async function startExport(id: string, body: ExportRequest): Promise<ExportOut> {
  return unwrap(
    api.POST('/api/v1/models/{model_id}/export', {
      params: { path: { model_id: id } },
      body,
    }),
  );
}

export async function fetchExport(
  modelId: string,
  exportId: string,
  signal?: AbortSignal,
): Promise<ExportOut> {
  return unwrap(
    api.GET('/api/v1/models/{model_id}/exports/{export_id}', {
      params: { path: { model_id: modelId, export_id: exportId } },
      signal,
    }),
  );
}

export async function deleteExport(modelId: string, exportId: string): Promise<void> {
  await unwrap(
    api.DELETE('/api/v1/models/{model_id}/exports/{export_id}', {
      params: { path: { model_id: modelId, export_id: exportId } },
    }),
  );
}

export async function startEvaluation(id: string, body: EvaluateRequest): Promise<EvaluationOut> {
  return unwrap(
    api.POST('/api/v1/models/{model_id}/evaluate', {
      params: { path: { model_id: id } },
      body,
    }),
  );
}

export async function fetchComparison(
  ids: readonly string[],
  signal?: AbortSignal,
): Promise<ModelComparison> {
  return unwrap(
    api.GET('/api/v1/models/compare', {
      params: { query: { ids: ids.join(',') } },
      signal,
    }),
  );
}

export async function fetchImportJob(jobId: string, signal?: AbortSignal): Promise<ModelImportJob> {
  return unwrap(
    api.GET('/api/v1/models/imports/{job_id}', {
      params: { path: { job_id: jobId } },
      signal,
    }),
  );
}

export async function fetchSessionMetrics(
  sessionId: string,
  signal?: AbortSignal,
): Promise<TrainingMetrics> {
  return unwrap(
    api.GET('/api/v1/training/sessions/{session_id}/metrics', {
      params: { path: { session_id: sessionId } },
      signal,
    }),
  );
}

/** Ready datasets a model can be evaluated on. */
export async function fetchReadyDatasets(signal?: AbortSignal): Promise<Dataset[]> {
  const data = await unwrap(api.GET('/api/v1/datasets', { signal }));
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
    fallbackTotal: file.size,
    onProgress,
    signal,
  });
}
