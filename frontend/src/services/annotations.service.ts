/**
 * Dataset curation API (issue 17): per-image annotations with ETag / If-Match, the review queue and
 * predictions taken into a dataset. The types follow the API contract; they move to the generated
 * schema (ApiSchema<...>) once the backend's OpenAPI document has these routes.
 */
import { csrfHeaders, reportUnauthorized } from './api';
import { ApiError, apiErrorFrom } from './errors';

export type AnnotationSource = 'imported' | 'drawn' | 'predicted';
export type Pair = [number, number];

export interface RleMask {
  size: [number, number];
  counts: string;
}

export interface AnnotationInstance {
  /** The server's id; null for an instance drawn since the last save (the server gives one). */
  id: string | null;
  class_id: number;
  /** Polygon in image pixels. */
  polygon: Pair[] | null;
  rle: RleMask | null;
  source: AnnotationSource;
  score: number | null;
  reviewed: boolean;
  /** The model that predicted it. */
  model_id?: string | null;
}

export interface ImageAnnotations {
  image_id: string;
  dataset_id?: string;
  split?: 'train' | 'val' | 'test';
  file_name?: string;
  width: number;
  height: number;
  etag: string;
  /** Increases by one with every save. */
  version?: number;
  instances: AnnotationInstance[];
  /** The image as a whole was accepted by a person. */
  reviewed: boolean;
  class_names?: string[];
}

export interface AnnotationsUpdate {
  instances: AnnotationInstance[];
  reviewed: boolean;
}

/** A save refused because someone else saved first: the server's current state comes with it. */
export class AnnotationConflictError extends ApiError {
  readonly current: ImageAnnotations;

  constructor(detail: string, current: ImageAnnotations) {
    super(409, detail);
    this.name = 'AnnotationConflictError';
    this.current = current;
  }
}

export interface ReviewQueueItem {
  image_id: string;
  file_name: string;
  split: 'train' | 'val' | 'test';
  thumbnail_url: string;
  reviewed: boolean;
  instance_count: number;
  /** The lowest predicted score on the image (null: nothing predicted). */
  min_score: number | null;
  /** 1 - mask IoU between two models' predictions of the image, when two predicted it. */
  disagreement: number | null;
  /** min(min_score, 1 - disagreement): the queue's order. */
  confidence: number | null;
}

export interface ReviewQueue {
  dataset_id: string;
  items: ReviewQueueItem[];
  /** Images in the dataset. */
  total: number;
  unreviewed: number;
  reviewed: number;
  limit: number;
}

export interface FromPredictionsRequest {
  prediction_ids?: string[];
  batch_id?: string;
  confidence: number;
  dataset_id?: string;
  new_name?: string;
  split: 'train' | 'val' | 'test';
}

export interface FromPredictionsResult {
  dataset_id: string;
  created: boolean;
  images_added: number;
  /** Images already there (same bytes): their predictions were merged in. */
  images_merged: number;
  instances_added: number;
  image_ids: string[];
}

async function parseBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** One JSON request with the session's CSRF header; a refusal throws the one ApiError. */
export async function requestJson(
  method: string,
  url: string,
  options: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<{ data: unknown; response: Response }> {
  const headers: Record<string, string> = { ...csrfHeaders(method), ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await globalThis.fetch(url, {
    method,
    credentials: 'same-origin',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });
  const body = await parseBody(response);
  if (!response.ok) {
    if (response.status === 401) reportUnauthorized();
    throw Object.assign(apiErrorFrom(response, body), { body });
  }
  return { data: body, response };
}

function annotationsUrl(datasetId: string, imageId: string): string {
  return `/api/v1/datasets/${encodeURIComponent(datasetId)}/images/${encodeURIComponent(imageId)}/annotations`;
}

/** The full-resolution image file of a dataset image. */
export function imageFileUrl(datasetId: string, imageId: string): string {
  return `/api/v1/datasets/${encodeURIComponent(datasetId)}/images/${encodeURIComponent(imageId)}/file`;
}

function withEtag(data: ImageAnnotations, response: Response): ImageAnnotations {
  return { ...data, etag: response.headers.get('ETag') ?? data.etag };
}

export async function fetchAnnotations(
  datasetId: string,
  imageId: string,
  signal?: AbortSignal,
): Promise<ImageAnnotations> {
  const { data, response } = await requestJson('GET', annotationsUrl(datasetId, imageId), {
    signal,
  });
  return withEtag(data as ImageAnnotations, response);
}

function isConflictBody(body: unknown): body is { detail?: unknown; current: ImageAnnotations } {
  return (
    typeof body === 'object' &&
    body !== null &&
    'current' in body &&
    typeof body.current === 'object'
  );
}

/** Saves with If-Match; a stale ETag throws AnnotationConflictError with the current state. */
export async function saveAnnotations(
  datasetId: string,
  imageId: string,
  etag: string,
  update: AnnotationsUpdate,
): Promise<ImageAnnotations> {
  try {
    const { data, response } = await requestJson('PUT', annotationsUrl(datasetId, imageId), {
      body: update,
      headers: { 'If-Match': etag },
    });
    return withEtag(data as ImageAnnotations, response);
  } catch (error) {
    const body = (error as { body?: unknown }).body;
    if (error instanceof ApiError && error.status === 409 && isConflictBody(body)) {
      throw new AnnotationConflictError(error.detail, body.current);
    }
    throw error;
  }
}

export async function fetchReviewQueue(
  datasetId: string,
  limit: number,
  signal?: AbortSignal,
): Promise<ReviewQueue> {
  const query = new URLSearchParams({ limit: String(limit) });
  const { data } = await requestJson(
    'GET',
    `/api/v1/datasets/${encodeURIComponent(datasetId)}/review-queue?${query.toString()}`,
    { signal },
  );
  return data as ReviewQueue;
}

export async function addPredictionsToDataset(
  request: FromPredictionsRequest,
): Promise<FromPredictionsResult> {
  const { data } = await requestJson('POST', '/api/v1/datasets/from-predictions', {
    body: request,
  });
  return data as FromPredictionsResult;
}
