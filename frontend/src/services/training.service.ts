import type { operations } from '@/api/schema';
import type { ApiSchema } from '@/types/api';

import { api } from './api';
import { unwrap } from './errors';

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
export type StarterWeights = ApiSchema<'StarterWeightsOut'>;
export type RunEstimate = ApiSchema<'RunEstimateOut'>;
export type RunEstimateRequest = ApiSchema<'RunEstimateRequest'>;

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
  return unwrap(api.GET('/api/v1/training/architectures', { signal }));
}

export async function fetchTrainingDefaults(signal?: AbortSignal): Promise<TrainingDefaults> {
  return unwrap(api.GET('/api/v1/training/defaults', { signal }));
}

/** How long a run would take on the server (GFLOPs x images x epochs / throughput measured there). */
export async function fetchRunEstimate(
  body: RunEstimateRequest,
  signal?: AbortSignal,
): Promise<RunEstimate> {
  return unwrap(api.POST('/api/v1/training/estimate', { body, signal }));
}

/** Datasets a run can train on (status ready), newest first as the API lists them. */
export async function fetchReadyDatasets(signal?: AbortSignal): Promise<Dataset[]> {
  const data = await unwrap(api.GET('/api/v1/datasets', { signal }));
  return data.items.filter((dataset) => dataset.status === 'ready');
}

/** Registered models of a family (all when it is unknown): the user's own starting weights. */
export async function fetchStartingWeightModels(
  signal?: AbortSignal,
  framework?: string,
): Promise<RegisteredModel[]> {
  const query = framework === undefined ? { limit: 200 } : { framework, limit: 200 };
  const data = await unwrap(api.GET('/api/v1/models', { params: { query }, signal }));
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
  return unwrap(
    api.GET('/api/v1/training/sessions', {
      params: { query },
      signal,
    }),
  );
}

export async function fetchSession(
  sessionId: string,
  signal?: AbortSignal,
): Promise<TrainingSessionDetail> {
  return unwrap(
    api.GET('/api/v1/training/sessions/{session_id}', {
      params: { path: { session_id: sessionId } },
      signal,
    }),
  );
}

export async function fetchCheckpoints(
  sessionId: string,
  signal?: AbortSignal,
): Promise<Checkpoint[]> {
  return unwrap(
    api.GET('/api/v1/training/sessions/{session_id}/checkpoints', {
      params: { path: { session_id: sessionId } },
      signal,
    }),
  );
}

export async function fetchComparison(
  sessionIds: readonly string[],
  signal?: AbortSignal,
): Promise<CompareResponse> {
  return unwrap(
    api.GET('/api/v1/training/compare', {
      params: { query: { ids: sessionIds.join(',') } },
      signal,
    }),
  );
}

/** Queues a run. A rejected configuration throws an ApiError with per-field messages. */
export async function createSession(body: TrainingSessionCreate): Promise<TrainingSessionDetail> {
  return unwrap(api.POST('/api/v1/training/sessions', { body }));
}

export type SessionAction = 'stop' | 'resume' | 'cancel';

export async function controlSession(
  sessionId: string,
  action: SessionAction,
): Promise<TrainingSessionDetail> {
  const options = { params: { path: { session_id: sessionId } } };
  return unwrap(
    action === 'stop'
      ? api.POST('/api/v1/training/sessions/{session_id}/stop', options)
      : action === 'resume'
        ? api.POST('/api/v1/training/sessions/{session_id}/resume', options)
        : api.POST('/api/v1/training/sessions/{session_id}/cancel', options),
  );
}

export async function deleteSession(sessionId: string): Promise<void> {
  await unwrap(
    api.DELETE('/api/v1/training/sessions/{session_id}', {
      params: { path: { session_id: sessionId } },
    }),
  );
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
