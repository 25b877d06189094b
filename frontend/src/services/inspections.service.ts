import type { paths } from '@/api/schema';
import type { ApiSchema } from '@/types/api';

import { api } from './api';
import { unwrap } from './errors';

export type Structure = ApiSchema<'StructureOut'>;
export type StructureDetail = ApiSchema<'StructureDetail'>;
export type StructureCreate = ApiSchema<'StructureCreate'>;
export type StructureKind = NonNullable<StructureCreate['kind']>;
export type MarkerDictionary = NonNullable<StructureCreate['marker_dictionary']>;
export type Inspection = ApiSchema<'InspectionOut'>;
export type InspectionDetail = ApiSchema<'InspectionDetail'>;
export type InspectionCreate = ApiSchema<'InspectionCreate'>;
export type InspectionImage = ApiSchema<'InspectionImageOut'>;
export type ImageUpdate = ApiSchema<'ImageUpdate'>;
export type ScaleInfo = ApiSchema<'ScaleOut'>;
export type ScaleCandidate = ApiSchema<'ScaleCandidate'>;
export type ScaleChoice = ScaleInfo['choice'];
export type Crack = ApiSchema<'CrackOut'>;
export type Report = ApiSchema<'ReportOut'>;
export type Growth = ApiSchema<'GrowthOut'>;
export type CrackChange = ApiSchema<'CrackChange'>;
export type StructureMap = ApiSchema<'StructureMap'>;
export type MapPoint = ApiSchema<'MapPoint'>;
export type MapSettings = ApiSchema<'MapSettings'>;
export type AddedImages = ApiSchema<'AddedImages'>;
type UploadBody = NonNullable<
  paths['/api/v1/inspections/images/upload']['post']['requestBody']
>['content']['multipart/form-data'];

export const STRUCTURE_KINDS: readonly StructureKind[] = [
  'bridge',
  'tunnel',
  'wall',
  'building',
  'dam',
  'tower',
  'other',
];

/** Printed marker families offered in the form (the API accepts every OpenCV ArUco / AprilTag one). */
export const MARKER_DICTIONARIES: readonly { id: MarkerDictionary; label: string }[] = [
  { id: 'DICT_4X4_50', label: 'ArUco 4x4 (default)' },
  { id: 'DICT_5X5_100', label: 'ArUco 5x5' },
  { id: 'DICT_6X6_250', label: 'ArUco 6x6' },
  { id: 'DICT_ARUCO_ORIGINAL', label: 'ArUco original' },
  { id: 'DICT_APRILTAG_36h11', label: 'AprilTag 36h11' },
  { id: 'DICT_APRILTAG_25h9', label: 'AprilTag 25h9' },
];

export const SCALE_SOURCE_LABELS: Record<ScaleCandidate['source'], string> = {
  marker: 'Marker',
  exif: 'Camera (EXIF)',
  manual: 'Manual',
};

export const inspectionKeys = {
  all: ['inspections'] as const,
  structures: () => [...inspectionKeys.all, 'structures'] as const,
  structure: (id: string) => [...inspectionKeys.all, 'structure', id] as const,
  structureMap: (id: string) => [...inspectionKeys.all, 'structure-map', id] as const,
  inspection: (id: string) => [...inspectionKeys.all, 'inspection', id] as const,
  mapSettings: () => [...inspectionKeys.all, 'map-settings'] as const,
};

export async function fetchStructures(signal?: AbortSignal): Promise<Structure[]> {
  return unwrap(api.GET('/api/v1/structures', { signal }));
}

export async function createStructure(body: StructureCreate): Promise<StructureDetail> {
  return unwrap(api.POST('/api/v1/structures', { body }));
}

export async function fetchStructure(id: string, signal?: AbortSignal): Promise<StructureDetail> {
  return unwrap(
    api.GET('/api/v1/structures/{structure_id}', {
      params: { path: { structure_id: id } },
      signal,
    }),
  );
}

export async function deleteStructure(id: string): Promise<void> {
  await unwrap(
    api.DELETE('/api/v1/structures/{structure_id}', { params: { path: { structure_id: id } } }),
  );
}

export async function fetchStructureMap(id: string, signal?: AbortSignal): Promise<StructureMap> {
  return unwrap(
    api.GET('/api/v1/structures/{structure_id}/map', {
      params: { path: { structure_id: id } },
      signal,
    }),
  );
}

export async function fetchMapSettings(signal?: AbortSignal): Promise<MapSettings> {
  return unwrap(api.GET('/api/v1/inspections/map-settings', { signal }));
}

export async function createInspection(
  structureId: string,
  body: InspectionCreate,
): Promise<Inspection> {
  return unwrap(
    api.POST('/api/v1/structures/{structure_id}/inspections', {
      params: { path: { structure_id: structureId } },
      body,
    }),
  );
}

export async function fetchInspection(id: string, signal?: AbortSignal): Promise<InspectionDetail> {
  return unwrap(
    api.GET('/api/v1/inspections/{inspection_id}', {
      params: { path: { inspection_id: id } },
      signal,
    }),
  );
}

export async function deleteInspection(id: string): Promise<void> {
  await unwrap(
    api.DELETE('/api/v1/inspections/{inspection_id}', {
      params: { path: { inspection_id: id } },
    }),
  );
}

export async function addPredictions(
  inspectionId: string,
  predictionIds: string[],
  elementLabel: string | null,
): Promise<AddedImages> {
  return unwrap(
    api.POST('/api/v1/inspections/{inspection_id}/images', {
      params: { path: { inspection_id: inspectionId } },
      body: { prediction_ids: predictionIds, element_label: elementLabel },
    }),
  );
}

export interface UploadFields {
  inspection_id: string;
  model_id: string;
  element_label?: string | null;
  distance_m?: number | null;
  conf?: number;
}

/** The multipart form of an upload: one `files` field per photo plus the parameters that are set. */
export function uploadForm(files: File[], fields: UploadFields): FormData {
  const form = new FormData();
  for (const file of files) form.append('files', file, file.name);
  for (const [key, value] of Object.entries(fields)) {
    if (value !== null && value !== undefined && value !== '') form.append(key, String(value));
  }
  return form;
}

export async function uploadPhotos(files: File[], fields: UploadFields): Promise<AddedImages> {
  return unwrap(
    api.POST('/api/v1/inspections/images/upload', {
      body: uploadForm(files, fields) as unknown as UploadBody,
    }),
  );
}

export async function updateImage(imageId: string, body: ImageUpdate): Promise<InspectionImage> {
  return unwrap(
    api.PATCH('/api/v1/inspections/images/{image_id}', {
      params: { path: { image_id: imageId } },
      body,
    }),
  );
}

export async function removeImage(imageId: string): Promise<void> {
  await unwrap(
    api.DELETE('/api/v1/inspections/images/{image_id}', {
      params: { path: { image_id: imageId } },
    }),
  );
}

export async function requestReport(inspectionId: string): Promise<Report> {
  return unwrap(
    api.POST('/api/v1/inspections/{inspection_id}/reports', {
      params: { path: { inspection_id: inspectionId } },
    }),
  );
}

export async function requestGrowth(oldImageId: string, newImageId: string): Promise<Growth> {
  return unwrap(
    api.POST('/api/v1/inspections/growth', {
      body: { old_image_id: oldImageId, new_image_id: newImageId },
    }),
  );
}

export function geojsonUrl(inspectionId: string): string {
  return `/api/v1/inspections/${inspectionId}/cracks.geojson`;
}

export function csvUrl(inspectionId: string): string {
  return `/api/v1/inspections/${inspectionId}/cracks.csv`;
}

/** mm per px with its uncertainty, e.g. "0.250 mm/px ± 1.2 %". */
export function formatScale(
  mmPerPx: number | null | undefined,
  uncertaintyPct?: number | null,
): string {
  if (mmPerPx === null || mmPerPx === undefined) return 'no scale';
  const value = `${mmPerPx.toPrecision(3)} mm/px`;
  return uncertaintyPct === null || uncertaintyPct === undefined
    ? value
    : `${value} ± ${uncertaintyPct.toFixed(1)} %`;
}

/** Whether an image, report or comparison is still being worked on (poll it). */
export function isPending(status: string): boolean {
  return status === 'queued' || status === 'running';
}

/** Images of another inspection that show the same element (same label): growth candidates. */
export function sameElement(images: InspectionImage[], label: string | null): InspectionImage[] {
  if (label === null) return [];
  return images.filter((image) => image.element_label === label);
}

/** Inspections of the structure before this one (the old side of a growth comparison). */
export function earlierInspections(structure: StructureDetail, current: Inspection): Inspection[] {
  return structure.inspections.filter(
    (i) => i.id !== current.id && i.inspected_on <= current.inspected_on,
  );
}

/** Something is being analysed, built or compared: keep the page fresh until it is done. */
export function hasWorkInProgress(detail: InspectionDetail | undefined): boolean {
  if (detail === undefined) return false;
  return (
    detail.images.some((i) => isPending(i.analysis_status)) ||
    detail.reports.some((r) => isPending(r.status)) ||
    detail.growth.some((g) => isPending(g.status))
  );
}
