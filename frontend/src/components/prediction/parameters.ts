import { inRange, numberDefault, numberRange, type NumberRange } from '@/api/limits';
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
  tileSize: String(numberDefault('PredictParams', 'tile_size')),
  overlap: String(numberDefault('PredictParams', 'overlap')),
  mmPerPx: '',
};

/**
 * The request's conf/iou only decide the stored `selected` flags and summary: the backend returns
 * every instance down to its score floor either way, and the sliders re-filter in the browser.
 * The page sends the sliders' current values; these are the backend's defaults.
 */
export const REQUEST_CONF = numberDefault('PredictParams', 'conf');
export const REQUEST_IOU = numberDefault('PredictParams', 'iou');
const DEFAULT_TILE_SIZE = numberDefault('PredictParams', 'tile_size');
const DEFAULT_OVERLAP = numberDefault('PredictParams', 'overlap');

export type ParseResult = { ok: true; params: PredictParams } | { ok: false; error: string };

const IMGSZ = numberRange('PredictParams', 'imgsz');
const TILE_SIZE = numberRange('PredictParams', 'tile_size');
const OVERLAP = numberRange('PredictParams', 'overlap');
const MM_PER_PX = numberRange('PredictParams', 'mm_per_px');

/** The number typed in `text` when it lies in `range`, else null. */
function parseIn(text: string, range: NumberRange): number | null {
  const value = Number(text);
  return text.trim() !== '' && inRange(range, value) ? value : null;
}

/** Validates the form with the backend's limits (PredictParams in the OpenAPI schema). */
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
    const imgsz = parseIn(values.imgsz, IMGSZ);
    if (imgsz === null)
      return {
        ok: false,
        error: `Image size must be a whole number from ${IMGSZ.min} to ${IMGSZ.max}.`,
      };
    params.imgsz = imgsz;
  }
  if (values.tiling) {
    const tile = parseIn(values.tileSize, TILE_SIZE);
    if (tile === null)
      return {
        ok: false,
        error: `Tile size must be a whole number from ${TILE_SIZE.min} to ${TILE_SIZE.max}.`,
      };
    const overlap = parseIn(values.overlap, OVERLAP);
    if (overlap === null)
      return { ok: false, error: `Overlap must be from ${OVERLAP.min} to ${OVERLAP.max}.` };
    params.tile_size = tile;
    params.overlap = overlap;
  }
  if (values.mmPerPx.trim() !== '') {
    const scale = parseIn(values.mmPerPx, MM_PER_PX);
    if (scale === null)
      return {
        ok: false,
        error: `Scale must be more than ${MM_PER_PX.min} and at most ${MM_PER_PX.max} mm per pixel.`,
      };
    params.mm_per_px = scale;
  }
  return { ok: true, params };
}
