import type { ApiSchema } from '@/types/api';

import { api } from './api';
import { unwrap } from './errors';
import { fileUploadForm, uploadWithProgress, type UploadOptions } from './upload';

export type Dataset = ApiSchema<'Dataset'>;
export type DatasetDetail = ApiSchema<'DatasetDetail'>;
export type DatasetList = ApiSchema<'DatasetList'>;
export type DatasetStatus = Dataset['status'];
export type DatasetSource = Dataset['source'];
export type DatasetFormat = NonNullable<Dataset['format']>;
export type ValidationStatus = NonNullable<Dataset['validation_status']>;
export type DatasetStats = ApiSchema<'DatasetStats'>;
export type SplitSummary = ApiSchema<'SplitSummary'>;
export type SplitStats = ApiSchema<'SplitStats'>;
/** Derived: the schema's own name is disambiguated by the generator when another area has one. */
export type ClassCount = SplitStats['classes'][number];
export type ValidationReport = ApiSchema<'ValidationReport'>;
export type ValidationIssue = ApiSchema<'ValidationIssue'>;
export type DatasetImage = ApiSchema<'DatasetImage'>;
export type DatasetImagePage = ApiSchema<'DatasetImagePage'>;
export type ImageAnnotation = ApiSchema<'ImageAnnotation'>;
export type SplitName = DatasetImage['split'];
export type DatasetDeleted = ApiSchema<'DatasetDeleted'>;
export type DatasetJob = ApiSchema<'DatasetJob'>;
export type RoboflowImportRequest = ApiSchema<'RoboflowImportRequest'>;
export type RoboflowExportFormat = RoboflowImportRequest['format'];
export type RoboflowKeyStatus = ApiSchema<'RoboflowKeyStatus'>;
export type EnhanceRequest = ApiSchema<'EnhanceRequest'>;

/** Statuses of a dataset whose import or enhancement is still running. */
export const IN_PROGRESS_STATUSES: readonly DatasetStatus[] = [
  'queued',
  'downloading',
  'extracting',
  'processing',
  'validating',
];

export function isInProgress(status: DatasetStatus): boolean {
  return IN_PROGRESS_STATUSES.includes(status);
}

export const SPLIT_NAMES: readonly SplitName[] = ['train', 'val', 'test'];

export const ROBOFLOW_FORMATS: readonly { value: RoboflowExportFormat; label: string }[] = [
  { value: 'yolov8', label: 'YOLOv8 segmentation' },
  { value: 'yolov11', label: 'YOLO11 segmentation' },
  { value: 'yolov12', label: 'YOLOv12 segmentation' },
  { value: 'yolov9', label: 'YOLOv9 segmentation' },
  { value: 'coco-segmentation', label: 'COCO segmentation' },
  { value: 'coco', label: 'COCO' },
];

export async function fetchDatasets(signal?: AbortSignal): Promise<DatasetList> {
  return unwrap(api.GET('/api/v1/datasets', { signal }));
}

export async function fetchDataset(id: string, signal?: AbortSignal): Promise<DatasetDetail> {
  return unwrap(
    api.GET('/api/v1/datasets/{dataset_id}', {
      params: { path: { dataset_id: id } },
      signal,
    }),
  );
}

export async function fetchDatasetStats(id: string, signal?: AbortSignal): Promise<DatasetStats> {
  return unwrap(
    api.GET('/api/v1/datasets/{dataset_id}/stats', {
      params: { path: { dataset_id: id } },
      signal,
    }),
  );
}

export interface ImagePageQuery {
  split: SplitName | null;
  offset: number;
  limit: number;
}

export async function fetchDatasetImages(
  id: string,
  query: ImagePageQuery,
  signal?: AbortSignal,
): Promise<DatasetImagePage> {
  const page = await unwrap(
    api.GET('/api/v1/datasets/{dataset_id}/images', {
      params: {
        path: { dataset_id: id },
        query: {
          offset: query.offset,
          limit: query.limit,
          ...(query.split === null ? {} : { split: query.split }),
        },
      },
      signal,
    }),
  );
  // openapi-fetch's Readable<> widens the schema's [x, y] pairs to number[]; the API sends pairs.
  return page as DatasetImagePage;
}

export async function validateDataset(id: string): Promise<ValidationReport> {
  return unwrap(
    api.POST('/api/v1/datasets/{dataset_id}/validate', {
      params: { path: { dataset_id: id } },
    }),
  );
}

export async function deleteDataset(id: string, force: boolean): Promise<DatasetDeleted> {
  return unwrap(
    api.DELETE('/api/v1/datasets/{dataset_id}', {
      params: { path: { dataset_id: id }, query: { force } },
    }),
  );
}

/** A dataset that an import or enhancement answered with; `started` is false when it existed. */
export interface StartedDataset {
  dataset: Dataset;
  started: boolean;
}

export async function enhanceDataset(id: string, body: EnhanceRequest): Promise<StartedDataset> {
  const result = await api.POST('/api/v1/datasets/{dataset_id}/enhance', {
    params: { path: { dataset_id: id } },
    body,
  });
  return { dataset: await unwrap(result), started: result.response.status === 202 };
}

export async function importFromRoboflow(body: RoboflowImportRequest): Promise<StartedDataset> {
  const result = await api.POST('/api/v1/datasets', { body });
  return { dataset: await unwrap(result), started: result.response.status === 202 };
}

export async function fetchRoboflowKeyStatus(signal?: AbortSignal): Promise<RoboflowKeyStatus> {
  return unwrap(api.GET('/api/v1/settings/roboflow-key', { signal }));
}

export async function fetchDatasetJob(jobId: string, signal?: AbortSignal): Promise<DatasetJob> {
  return unwrap(
    api.GET('/api/v1/datasets/jobs/{job_id}', {
      params: { path: { job_id: jobId } },
      signal,
    }),
  );
}

export const UPLOAD_URL = '/api/v1/datasets/upload';

export { UploadCancelledError, type UploadOptions, type UploadProgress } from './upload';

/**
 * Uploads a dataset zip (multipart `file` + optional `name`) with progress reports.
 * Resolves with the queued dataset.
 */
export function uploadDatasetZip(file: File, options: UploadOptions = {}): Promise<Dataset> {
  const { name, onProgress, signal } = options;
  return uploadWithProgress<Dataset>({
    url: UPLOAD_URL,
    form: fileUploadForm(file, name),
    fallbackTotal: file.size,
    onProgress,
    signal,
  });
}

/** URL of a thumbnail (JPEG, longest side `size` px); the API draws the masks when `overlay`. */
export function thumbnailUrl(image: DatasetImage, size = 256, overlay = false): string {
  const params = new URLSearchParams({ size: String(size) });
  if (overlay) params.set('overlay', 'true');
  return `${image.thumbnail_url}?${params.toString()}`;
}
