import type { paths } from '@/api/schema';
import type { ApiSchema } from '@/types/api';

import { api } from './api';
import { unwrap } from './errors';

export type PredictParams = ApiSchema<'PredictParams'>;
export type PredictionResult = ApiSchema<'PredictionResult'>;
export type PredictionSummary = ApiSchema<'PredictionSummary'>;
export type PredictionPage = ApiSchema<'PredictionPage'>;
export type PredictedInstance = ApiSchema<'PredictedInstance'>;
export type CrackMeasurements = ApiSchema<'CrackMeasurements'>;
export type ImageSummary = ApiSchema<'ImageSummary'>;
export type SeverityName = NonNullable<CrackMeasurements['severity']>;
type PredictExportBody = NonNullable<
  paths['/api/v1/predict/export']['post']['requestBody']
>['content']['application/json'];
export type PredictionExportRequest = PredictExportBody;
export type PredictionExportFormat = PredictExportBody['format'];
type PredictBody = NonNullable<
  paths['/api/v1/predict']['post']['requestBody']
>['content']['multipart/form-data'];

/** Image types the backend decodes (app/core/prediction: JPEG, PNG, TIFF, BMP, WebP). */
export const ACCEPTED_IMAGE_TYPES: Record<string, string[]> = {
  'image/jpeg': ['.jpg', '.jpeg'],
  'image/png': ['.png'],
  'image/tiff': ['.tif', '.tiff'],
  'image/bmp': ['.bmp'],
  'image/webp': ['.webp'],
};

export const EXPORT_FORMATS: readonly { id: PredictionExportFormat; label: string }[] = [
  { id: 'json', label: 'JSON' },
  { id: 'csv', label: 'CSV' },
  { id: 'coco', label: 'COCO' },
  { id: 'images', label: 'Annotated images (zip)' },
];

/** The multipart form the backend reads: the file plus one field per set parameter. */
export function predictionForm(file: Blob, fileName: string, params: PredictParams): FormData {
  const form = new FormData();
  form.append('file', file, fileName);
  for (const [key, value] of Object.entries(params)) {
    if (value !== null) form.append(key, String(value));
  }
  return form;
}

export async function predictImage(file: File, params: PredictParams): Promise<PredictionResult> {
  const form = predictionForm(file, file.name, params);
  // openapi-fetch sends FormData as is; the generated body type describes its fields.
  return unwrap(
    api.POST('/api/v1/predict', {
      body: form as unknown as PredictBody,
    }),
  );
}

export async function predictUrl(url: string, params: PredictParams): Promise<PredictionResult> {
  return unwrap(
    api.POST('/api/v1/predict/url', {
      body: { url, params },
    }),
  );
}

export async function fetchPredictions(
  limit: number,
  signal?: AbortSignal,
): Promise<PredictionPage> {
  return unwrap(
    api.GET('/api/v1/predictions', {
      params: { query: { limit } },
      signal,
    }),
  );
}

export async function fetchPrediction(id: string, signal?: AbortSignal): Promise<PredictionResult> {
  return unwrap(
    api.GET('/api/v1/predictions/{prediction_id}', {
      params: { path: { prediction_id: id } },
      signal,
    }),
  );
}

export interface DownloadedFile {
  blob: Blob;
  filename: string;
}

function filenameFrom(response: Response, fallback: string): string {
  const header = response.headers.get('Content-Disposition') ?? '';
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header);
  return match?.[1] !== undefined ? decodeURIComponent(match[1]) : fallback;
}

export async function exportPredictions(body: PredictionExportRequest): Promise<DownloadedFile> {
  const result = await api.POST('/api/v1/predict/export', { body, parseAs: 'blob' });
  const blob = await unwrap(result);
  return { blob, filename: filenameFrom(result.response, `predictions.${body.format}`) };
}

/** Hands a downloaded file to the browser as a download. */
export function saveFile({ blob, filename }: DownloadedFile): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 1_000);
}
