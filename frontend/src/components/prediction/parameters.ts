import type { PredictParams } from '@/services/prediction.service';

export interface ParameterValues {
  modelId: string;
  imgsz: string;
  tiling: boolean;
  tileSize: string;
  overlap: string;
  mmPerPx: string;
}

export const DEFAULT_PARAMETERS: ParameterValues = {
  modelId: '',
  imgsz: '',
  tiling: false,
  tileSize: '640',
  overlap: '0.2',
  mmPerPx: '',
};

/**
 * The request's conf/iou only decide the stored `selected` flags and summary: the backend returns
 * every instance down to its score floor either way, and the sliders re-filter in the browser.
 * The page sends the sliders' current values; these are the backend's defaults.
 */
export const REQUEST_CONF = 0.25;
export const REQUEST_IOU = 0.45;
const DEFAULT_TILE_SIZE = 640;
const DEFAULT_OVERLAP = 0.2;

export type ParseResult = { ok: true; params: PredictParams } | { ok: false; error: string };

function numberIn(text: string, min: number, max: number): number | null {
  const value = Number(text);
  return text.trim() !== '' && Number.isFinite(value) && value >= min && value <= max
    ? value
    : null;
}

/** Validates the form with the backend's limits (app/schemas/prediction.py PredictParams). */
export function toPredictParams(values: ParameterValues): ParseResult {
  if (values.modelId === '') return { ok: false, error: 'Choose a model.' };
  const params: PredictParams = {
    model_id: values.modelId,
    conf: REQUEST_CONF,
    iou: REQUEST_IOU,
    tiling: values.tiling,
    tile_size: DEFAULT_TILE_SIZE,
    overlap: DEFAULT_OVERLAP,
    backend: 'auto',
  };
  if (values.imgsz.trim() !== '') {
    const imgsz = numberIn(values.imgsz, 32, 4096);
    if (imgsz === null || !Number.isInteger(imgsz))
      return { ok: false, error: 'Image size must be a whole number from 32 to 4096.' };
    params.imgsz = imgsz;
  }
  if (values.tiling) {
    const tile = numberIn(values.tileSize, 128, 4096);
    if (tile === null || !Number.isInteger(tile))
      return { ok: false, error: 'Tile size must be a whole number from 128 to 4096.' };
    const overlap = numberIn(values.overlap, 0, 0.5);
    if (overlap === null) return { ok: false, error: 'Overlap must be from 0 to 0.5.' };
    params.tile_size = tile;
    params.overlap = overlap;
  }
  if (values.mmPerPx.trim() !== '') {
    const scale = numberIn(values.mmPerPx, 0, 1000);
    if (scale === null || scale <= 0)
      return { ok: false, error: 'Scale must be more than 0 and at most 1000 mm per pixel.' };
    params.mm_per_px = scale;
  }
  return { ok: true, params };
}
