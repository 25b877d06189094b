/**
 * Dataset curation API (issue 17): per-image annotations with ETag / If-Match, the review queue and
 * predictions taken into a dataset as pre-labels.
 */
import type { ApiSchema } from '@/types/api';

import { api } from './api';
import { ApiError, apiErrorFrom, unwrap } from './errors';

type ApiInstance = ApiSchema<'AnnotationInstance'>;
type ApiImageAnnotations = ApiSchema<'ImageAnnotations'>;

export type AnnotationSource = ApiInstance['source'];
export type RleMask = ApiSchema<'AnnotationRle'>;

/** An instance as the editor holds it: every optional field of the API spelled out (null). */
export type AnnotationInstance = Required<Omit<ApiInstance, 'model_id'>> &
  Pick<ApiInstance, 'model_id'>;

export type ImageAnnotations = Omit<ApiImageAnnotations, 'instances'> & {
  instances: AnnotationInstance[];
};

export type AnnotationsUpdate = ApiSchema<'AnnotationsUpdate'>;
export type ReviewQueue = ApiSchema<'ReviewQueue'>;
export type ReviewQueueItem = ApiSchema<'ReviewItem'>;
export type FromPredictionsRequest = ApiSchema<'PredictionsToDataset'>;
export type FromPredictionsResult = ApiSchema<'PredictionsToDatasetResult'>;

/** A save refused because someone else saved first: the server's current state comes with it. */
export class AnnotationConflictError extends ApiError {
  readonly current: ImageAnnotations;

  constructor(detail: string, current: ImageAnnotations) {
    super(409, detail);
    this.name = 'AnnotationConflictError';
    this.current = current;
  }
}

/** An instance as openapi-fetch reads it (its Readable<> widens the [x, y] pairs to number[]). */
type WireInstance = Omit<ApiInstance, 'polygon'> & { polygon?: readonly number[][] | null };
type WireAnnotations = Omit<ApiImageAnnotations, 'instances'> & { instances: WireInstance[] };

function normalise(instance: WireInstance): AnnotationInstance {
  return {
    ...instance,
    id: instance.id ?? null,
    polygon: instance.polygon?.map(([x = 0, y = 0]): [number, number] => [x, y]) ?? null,
    rle: instance.rle ?? null,
    score: instance.score ?? null,
  };
}

/** The state with its instances normalised; the ETag header, when sent, is the one to send back. */
function annotationsOf(data: WireAnnotations, etagHeader: string | null): ImageAnnotations {
  return { ...data, etag: etagHeader ?? data.etag, instances: data.instances.map(normalise) };
}

/** The full-resolution image file of a dataset image. */
export function imageFileUrl(datasetId: string, imageId: string): string {
  return `/api/v1/datasets/${encodeURIComponent(datasetId)}/images/${encodeURIComponent(imageId)}/file`;
}

export async function fetchAnnotations(
  datasetId: string,
  imageId: string,
  signal?: AbortSignal,
): Promise<ImageAnnotations> {
  const result = await api.GET('/api/v1/datasets/{dataset_id}/images/{image_id}/annotations', {
    params: { path: { dataset_id: datasetId, image_id: imageId } },
    signal,
  });
  return annotationsOf(await unwrap(result), result.response.headers.get('ETag'));
}

/** Saves with If-Match; a stale ETag throws AnnotationConflictError with the current state. */
export async function saveAnnotations(
  datasetId: string,
  imageId: string,
  etag: string,
  update: AnnotationsUpdate,
): Promise<ImageAnnotations> {
  const result = await api.PUT('/api/v1/datasets/{dataset_id}/images/{image_id}/annotations', {
    params: { path: { dataset_id: datasetId, image_id: imageId }, header: { 'if-match': etag } },
    body: update,
  });
  const { error, response } = result;
  if (response.status === 409 && typeof error === 'object' && 'current' in error) {
    const conflict = error as ApiSchema<'AnnotationConflict'>;
    throw new AnnotationConflictError(conflict.detail, annotationsOf(conflict.current, null));
  }
  if (!response.ok) throw apiErrorFrom(response, error);
  return annotationsOf(await unwrap(result), response.headers.get('ETag'));
}

export async function fetchReviewQueue(
  datasetId: string,
  limit: number,
  signal?: AbortSignal,
): Promise<ReviewQueue> {
  return unwrap(
    api.GET('/api/v1/datasets/{dataset_id}/review-queue', {
      params: { path: { dataset_id: datasetId }, query: { limit } },
      signal,
    }),
  );
}

export async function addPredictionsToDataset(
  request: FromPredictionsRequest,
): Promise<FromPredictionsResult> {
  return unwrap(api.POST('/api/v1/datasets/from-predictions', { body: request }));
}
