import type { operations } from '@/api/schema';
import type { ApiSchema } from '@/types/api';

import { api } from './api';
import { ApiError, apiErrorFrom } from './errors';

export type TrainingConfig = ApiSchema<'TrainingConfig'>;
export type TrainingSessionCreate = ApiSchema<'TrainingSessionCreate'>;
export type TrainingSessionSummary = ApiSchema<'TrainingSessionSummary'>;
export type TrainingSessionDetail = ApiSchema<'TrainingSessionDetail'>;
export type SessionStatus = TrainingSessionSummary['status'];
export type TrainingDefaults = ApiSchema<'TrainingDefaults'>;
export type Architecture = ApiSchema<'ArchitectureOut'>;
export type ArchitecturesResponse = ApiSchema<'ArchitecturesResponse'>;
export type Checkpoint = ApiSchema<'CheckpointOut'>;
export type CompareResponse = ApiSchema<'CompareResponse'>;
export type EpochMetric = ApiSchema<'EpochMetricOut'>;
export type TrainingEvent = ApiSchema<'TrainingEventOut'>;
export type TrainingEventType = TrainingEvent['type'];
export type AugmentationLevel = ApiSchema<'AugmentationLevel'>;
export type OptimizerType = ApiSchema<'OptimizerType'>;
export type Dataset = ApiSchema<'Dataset'>;
export type SessionPage = ApiSchema<'Page_TrainingSessionSummary_'>;
export type RegisteredModel = ApiSchema<'ModelSummary'>;

export const SESSION_STATUSES: readonly SessionStatus[] = [
  'queued',
  'running',
  'completed',
  'failed',
  'stopped',
  'interrupted',
  'cancelled',
];
export const ACTIVE_STATUSES: readonly SessionStatus[] = ['queued', 'running'];
export const FINISHED_STATUSES: readonly SessionStatus[] = [
  'completed',
  'failed',
  'stopped',
  'interrupted',
  'cancelled',
];

export function isSessionStatus(value: unknown): value is SessionStatus {
  return typeof value === 'string' && (SESSION_STATUSES as readonly string[]).includes(value);
}

export function isFinished(status: SessionStatus): boolean {
  return FINISHED_STATUSES.includes(status);
}

/** A field the API rejected, e.g. `{ field: 'epochs', message: '...' }`. */
export interface FieldError {
  field: string;
  message: string;
}

/** A rejected request: the API's message plus its per-field problems (422). */
export class TrainingRequestError extends ApiError {
  readonly fieldErrors: FieldError[];

  constructor(status: number, message: string, fieldErrors: FieldError[]) {
    super(status, message);
    this.name = 'TrainingRequestError';
    this.fieldErrors = fieldErrors;
  }
}

function fieldErrorsOf(body: unknown): FieldError[] {
  if (typeof body !== 'object' || body === null || !('errors' in body)) return [];
  const { errors } = body;
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { field, message } = entry as Record<string, unknown>;
    return typeof field === 'string' && typeof message === 'string' ? [{ field, message }] : [];
  });
}

type SessionQuery = NonNullable<
  operations['list_sessions_api_v1_training_sessions_get']['parameters']['query']
>;

export interface SessionFilters {
  status?: SessionStatus[];
  datasetId?: string;
  modelArch?: string;
  search?: string;
  offset?: number;
  limit?: number;
}

export async function fetchArchitectures(signal?: AbortSignal): Promise<ArchitecturesResponse> {
  const { data, error, response } = await api.GET('/api/v1/training/architectures', { signal });
  if (data === undefined) throw apiErrorFrom(response, error);
  return data;
}

export async function fetchTrainingDefaults(signal?: AbortSignal): Promise<TrainingDefaults> {
  const { data, error, response } = await api.GET('/api/v1/training/defaults', { signal });
  if (data === undefined) throw apiErrorFrom(response, error);
  return data;
}

/** Datasets a run can train on (status ready), newest first as the API lists them. */
export async function fetchReadyDatasets(signal?: AbortSignal): Promise<Dataset[]> {
  const { data, error, response } = await api.GET('/api/v1/datasets', { signal });
  if (data === undefined) throw apiErrorFrom(response, error);
  return data.items.filter((dataset) => dataset.status === 'ready');
}

/** Registered models of a framework: the user's own starting weights (newest first). */
export async function fetchStartingWeightModels(
  signal?: AbortSignal,
  framework = 'ultralytics',
): Promise<RegisteredModel[]> {
  const { data, error, response } = await api.GET('/api/v1/models', {
    params: { query: { framework, limit: 200 } },
    signal,
  });
  if (data === undefined) throw apiErrorFrom(response, error);
  return data.items;
}

export async function fetchSessions(
  filters: SessionFilters = {},
  signal?: AbortSignal,
): Promise<SessionPage> {
  const query: SessionQuery = {
    limit: filters.limit ?? 200,
    offset: filters.offset ?? 0,
  };
  if (filters.status !== undefined && filters.status.length > 0) query.status = filters.status;
  if (filters.datasetId) query.dataset_id = filters.datasetId;
  if (filters.modelArch) query.model_arch = filters.modelArch;
  const search = filters.search?.trim();
  if (search) query.q = search;
  const { data, error, response } = await api.GET('/api/v1/training/sessions', {
    params: { query },
    signal,
  });
  if (data === undefined) throw apiErrorFrom(response, error);
  return data;
}

export async function fetchSession(
  sessionId: string,
  signal?: AbortSignal,
): Promise<TrainingSessionDetail> {
  const { data, error, response } = await api.GET('/api/v1/training/sessions/{session_id}', {
    params: { path: { session_id: sessionId } },
    signal,
  });
  if (data === undefined) throw apiErrorFrom(response, error);
  return data;
}

export async function fetchCheckpoints(
  sessionId: string,
  signal?: AbortSignal,
): Promise<Checkpoint[]> {
  const { data, error, response } = await api.GET(
    '/api/v1/training/sessions/{session_id}/checkpoints',
    { params: { path: { session_id: sessionId } }, signal },
  );
  if (data === undefined) throw apiErrorFrom(response, error);
  return data;
}

export async function fetchComparison(
  sessionIds: readonly string[],
  signal?: AbortSignal,
): Promise<CompareResponse> {
  const { data, error, response } = await api.GET('/api/v1/training/compare', {
    params: { query: { ids: sessionIds.join(',') } },
    signal,
  });
  if (data === undefined) throw apiErrorFrom(response, error);
  return data;
}

/** Queues a run. A rejected configuration throws a TrainingRequestError with per-field messages. */
export async function createSession(body: TrainingSessionCreate): Promise<TrainingSessionDetail> {
  const { data, error, response } = await api.POST('/api/v1/training/sessions', { body });
  if (data !== undefined) return data;
  const base = apiErrorFrom(response, error);
  throw new TrainingRequestError(response.status, base.message, fieldErrorsOf(error));
}

export type SessionAction = 'stop' | 'resume' | 'cancel';

export async function controlSession(
  sessionId: string,
  action: SessionAction,
): Promise<TrainingSessionDetail> {
  const options = { params: { path: { session_id: sessionId } } };
  const { data, error, response } =
    action === 'stop'
      ? await api.POST('/api/v1/training/sessions/{session_id}/stop', options)
      : action === 'resume'
        ? await api.POST('/api/v1/training/sessions/{session_id}/resume', options)
        : await api.POST('/api/v1/training/sessions/{session_id}/cancel', options);
  if (data === undefined) throw apiErrorFrom(response, error);
  return data;
}

export async function deleteSession(sessionId: string): Promise<void> {
  const { data, error, response } = await api.DELETE('/api/v1/training/sessions/{session_id}', {
    params: { path: { session_id: sessionId } },
  });
  if (data === undefined) throw apiErrorFrom(response, error);
}

/** Same-origin download link of a session's per-epoch metrics as CSV. */
export function metricsCsvUrl(sessionId: string): string {
  return `/api/v1/training/sessions/${encodeURIComponent(sessionId)}/metrics.csv`;
}

/** WebSocket path of a session's events, asking only for those after `afterEventId`. */
export function trainingSocketPath(sessionId: string, afterEventId = 0): string {
  const base = `/ws/training/${encodeURIComponent(sessionId)}`;
  return afterEventId > 0 ? `${base}?after=${afterEventId}` : base;
}
