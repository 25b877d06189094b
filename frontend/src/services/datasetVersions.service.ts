/** Dataset versions (immutable snapshots of the working copy) and split editing (issue 17). */
import type { ApiSchema } from '@/types/api';

import { api } from './api';
import { unwrap } from './errors';

export type DatasetVersion = ApiSchema<'DatasetVersionOut'>;
export type VersionList = ApiSchema<'VersionList'>;
export type VersionChanges = ApiSchema<'VersionChanges'>;
export type VersionCounts = ApiSchema<'VersionCounts'>;
export type SplitAssignmentResult = ApiSchema<'SplitAssignmentResult'>;
export type SplitName = ApiSchema<'SplitAssignment'>['split'];
export type VersionDownloadFormat = 'yolo-seg' | 'coco';

export const VERSION_FORMATS: readonly { value: VersionDownloadFormat; label: string }[] = [
  { value: 'yolo-seg', label: 'YOLO-seg' },
  { value: 'coco', label: 'COCO' },
];

export async function fetchVersions(datasetId: string, signal?: AbortSignal): Promise<VersionList> {
  return unwrap(
    api.GET('/api/v1/datasets/{dataset_id}/versions', {
      params: { path: { dataset_id: datasetId } },
      signal,
    }),
  );
}

export async function createVersion(datasetId: string, message: string): Promise<DatasetVersion> {
  return unwrap(
    api.POST('/api/v1/datasets/{dataset_id}/versions', {
      params: { path: { dataset_id: datasetId } },
      body: { message },
    }),
  );
}

/** Deletes a version; a 409 (a model was trained on it) throws the ApiError with the reason. */
export async function deleteVersion(datasetId: string, versionId: string): Promise<void> {
  await unwrap(
    api.DELETE('/api/v1/datasets/{dataset_id}/versions/{version_id}', {
      params: { path: { dataset_id: datasetId, version_id: versionId } },
    }),
  );
}

/** The streamed zip's URL: the browser downloads it directly (no copy in memory). */
export function versionDownloadUrl(
  datasetId: string,
  versionId: string,
  format: VersionDownloadFormat,
): string {
  const query = new URLSearchParams({ format });
  return `/api/v1/datasets/${encodeURIComponent(datasetId)}/versions/${encodeURIComponent(versionId)}/download?${query.toString()}`;
}

export async function assignSplit(
  datasetId: string,
  imageIds: string[],
  split: SplitName,
): Promise<SplitAssignmentResult> {
  return unwrap(
    api.PATCH('/api/v1/datasets/{dataset_id}/images', {
      params: { path: { dataset_id: datasetId } },
      body: { image_ids: imageIds, split },
    }),
  );
}
