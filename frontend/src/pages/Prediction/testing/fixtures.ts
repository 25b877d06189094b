import type { ModelSummary } from '@/services/models.service';
import type {
  CrackMeasurements,
  PredictedInstance,
  PredictionResult,
} from '@/services/prediction.service';

export const MODEL: ModelSummary = {
  id: 'm1',
  name: 'Crack seg nano',
  task: 'segment',
  framework: 'ultralytics',
  family: 'yolo',
  model_arch: 'yolo11n-seg',
  class_names: ['crack'],
  num_classes: 1,
  created_at: '2026-11-26T10:00:00Z',
  dataset_id: null,
  evaluation_count: 0,
  export_count: 0,
  image_size: 640,
  metrics: {},
  primary_metric: null,
  scale: 'n',
  session_id: null,
  size_bytes: 6_000_000,
  source: 'imported',
  tags: [],
};

export function measurements(overrides: Partial<CrackMeasurements> = {}): CrackMeasurements {
  return {
    area_px: 1200,
    length_px: 200,
    width_max_px: 8,
    width_mean_px: 6,
    width_p95_px: 7.5,
    orientation_deg: 0,
    bbox: [10, 10, 200, 8],
    ...overrides,
  };
}

export function instance(
  id: number,
  score: number,
  box: number[],
  overrides: Partial<PredictedInstance> = {},
): PredictedInstance {
  const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = box;
  return {
    id,
    class_id: 0,
    class_name: 'crack',
    score,
    box,
    polygons: [[x1, y1, x2, y1, x2, y2, x1, y2]],
    rle: null,
    area_px: 1200,
    parts: 1,
    selected: score >= 0.25,
    measurements: measurements(),
    skeleton: [[x1, (y1 + y2) / 2, x2, (y1 + y2) / 2]],
    ...overrides,
  };
}

/** Three cracks: a strong one, a weak one overlapping it, and a mid one elsewhere. */
export const INSTANCES: PredictedInstance[] = [
  instance(1, 0.9, [10, 10, 210, 30]),
  instance(2, 0.15, [12, 10, 212, 30]),
  instance(3, 0.6, [300, 300, 400, 500]),
];

export function result(overrides: Partial<PredictionResult> = {}): PredictionResult {
  return {
    id: 'p1',
    created_at: '2026-11-26T12:00:00Z',
    model_id: 'm1',
    model_name: 'Crack seg nano',
    image_name: 'wall.png',
    source: 'upload',
    source_url: null,
    batch_id: null,
    width: 640,
    height: 640,
    instance_count: 2,
    summary: {
      count: 2,
      total_length_px: 400,
      total_area_px: 2400,
      max_width_px: 8,
    },
    image_url: '/api/v1/predictions/p1/image',
    annotated_url: '/api/v1/predictions/p1/annotated',
    params: {
      model_id: 'm1',
      conf: 0.05,
      iou: 0.7,
      tiling: false,
      tile_size: 640,
      overlap: 0.2,
      backend: 'auto',
    },
    backend: 'pytorch',
    imgsz: 640,
    tiles: 1,
    score_floor: 0.05,
    candidate_iou: 0.7,
    severity_bands: { narrow_max_mm: 1.6, moderate_max_mm: 3.2, width: 'p95' },
    class_names: ['crack'],
    orientation: 1,
    instances: INSTANCES,
    timings_ms: { total: 120 },
    ...overrides,
  };
}
