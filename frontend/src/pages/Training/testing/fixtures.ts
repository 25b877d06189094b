/**
 * Test doubles of the training API (fetch) for the training pages' tests. Shapes are the generated
 * API types, so a backend change that breaks them fails the type check.
 */
import { vi, type Mock } from 'vitest';

import type {
  Architecture,
  ArchitecturesResponse,
  CompareResponse,
  Dataset,
  SessionPage,
  TrainingConfig,
  TrainingDefaults,
  TrainingSessionDetail,
  TrainingSessionSummary,
} from '@/services/training.service';
import { HEALTHY, jsonResponse, SYSTEM_INFO } from '@/test/utils';

export const SESSION_ID = 'a'.repeat(32);
export const OTHER_SESSION_ID = 'b'.repeat(32);
export const DATASET_ID = 'd'.repeat(32);

export const CONFIG: TrainingConfig = {
  model_arch: 'yolov8n-seg',
  pretrained: true,
  weights: null,
  image_size: 640,
  epochs: 100,
  batch_size: 16,
  learning_rate: 0.01,
  lr_factor: 0.01,
  momentum: 0.937,
  weight_decay: 0.0005,
  optimizer: 'SGD',
  cosine_lr: true,
  warmup_epochs: 3,
  warmup_momentum: 0.8,
  patience: 50,
  augmentation_level: 'medium',
  mosaic: null,
  mixup: null,
  copy_paste: null,
  close_mosaic: 10,
  device: 'auto',
  num_workers: 8,
  seed: 42,
  save_period: 10,
  keep_last_checkpoints: 3,
  box_gain: 7.5,
  cls_gain: 0.5,
  dfl_gain: 1.5,
  iou_threshold: 0.7,
};

export const DEFAULTS: TrainingDefaults = {
  config: CONFIG,
  augmentation_presets: {
    none: { mosaic: 0, fliplr: 0, mixup: 0, copy_paste: 0 },
    light: { mosaic: 0.5, fliplr: 0.5, mixup: 0, copy_paste: 0 },
    medium: { mosaic: 1, fliplr: 0.5, scale: 0.5, mixup: 0, copy_paste: 0 },
    heavy: { mosaic: 1, fliplr: 0.5, flipud: 0.5, degrees: 15, mixup: 0.15, copy_paste: 0.3 },
  },
  gpu_count: 0,
  devices: ['auto', 'cpu'],
  online: false,
  official_weights_dir: 'models/official',
  primary_metric: 'mask_map50_95',
  rfdetr_weights_dir: '/root/.roboflow/models',
  framework_defaults: {
    rfdetr: { learning_rate: 0.0001, weight_decay: 0.0001, warmup_epochs: 0, batch_size: 4 },
  },
  framework_fields: {
    rfdetr: [
      'model_arch',
      'pretrained',
      'weights',
      'image_size',
      'epochs',
      'batch_size',
      'learning_rate',
      'weight_decay',
      'cosine_lr',
      'warmup_epochs',
      'patience',
      'augmentation_level',
      'device',
      'num_workers',
      'seed',
    ],
  },
};

function arch(
  name: string,
  family: string,
  size: string,
  parameters: number,
  gflops: number,
): Architecture {
  const labels: Record<string, string> = { yolov8: 'YOLOv8', yolov9: 'YOLOv9', yolo11: 'YOLO11' };
  return {
    name,
    family,
    family_label: labels[family] ?? family,
    size,
    size_label: size === 'n' ? 'nano' : size === 's' ? 'small' : 'compact',
    framework: 'ultralytics',
    task: 'segment',
    parameters,
    gflops,
    layers: 151,
    official_weights_available: false,
    image_multiple: 32,
    default_image_size: 640,
    weights_file: `${name}.pt`,
  };
}

function rfdetrArch(
  name: string,
  size: string,
  multiple: number,
  resolution: number,
): Architecture {
  const segment = name.includes('-seg-');
  return {
    name,
    family: segment ? 'rfdetr-seg' : 'rfdetr',
    family_label: segment ? 'RF-DETR Seg' : 'RF-DETR',
    size,
    size_label: size,
    framework: 'rfdetr',
    task: segment ? 'segment' : 'detect',
    parameters: 33_541_495,
    gflops: 42.2,
    layers: 366,
    official_weights_available: false,
    image_multiple: multiple,
    default_image_size: resolution,
    weights_file: `rf-detr-${name.replace('rfdetr-', '')}.pt`,
  };
}

export const ARCHITECTURES: ArchitecturesResponse = {
  reference_classes: 80,
  reference_image_size: 640,
  ultralytics_version: '8.4.190',
  items: [
    arch('yolov8n-seg', 'yolov8', 'n', 3_409_968, 12.1),
    arch('yolov8s-seg', 'yolov8', 's', 11_821_056, 40.3),
    arch('yolov9c-seg', 'yolov9', 'c', 27_897_120, 149.3),
    arch('yolo11n-seg', 'yolo11', 'n', 2_868_664, 10.0),
    rfdetrArch('rfdetr-nano', 'nano', 32, 384),
    rfdetrArch('rfdetr-seg-nano', 'nano', 12, 312),
    rfdetrArch('rfdetr-seg-small', 'small', 24, 384),
  ],
  rfdetr_version: '1.11.2',
};

export const DATASET: Dataset = {
  id: DATASET_ID,
  name: 'Demo: synthetic concrete cracks',
  source: 'demo',
  source_ref: 'demo:synthetic-cracks-v1',
  source_info: null,
  format: 'yolo-seg',
  status: 'ready',
  progress: 1,
  message: null,
  error: null,
  class_names: ['crack'],
  splits: { train: { images: 48, instances: 60 }, val: { images: 12, instances: 15 } },
  image_count: 72,
  instance_count: 90,
  size_bytes: 1_000_000,
  validation_status: null,
  error_count: null,
  warning_count: null,
  parent_id: null,
  job_id: null,
  created_at: '2026-11-26T10:00:00Z',
  updated_at: '2026-11-26T10:00:00Z',
};

export function summary(overrides: Partial<TrainingSessionSummary> = {}): TrainingSessionSummary {
  return {
    id: SESSION_ID,
    name: 'yolov8n-seg on Demo',
    status: 'running',
    dataset_id: DATASET_ID,
    dataset_name: DATASET.name,
    framework: 'ultralytics',
    model_arch: 'yolov8n-seg',
    current_epoch: 0,
    total_epochs: 3,
    progress: 0,
    best_metric: null,
    best_epoch: null,
    metric_name: 'mask_map50_95',
    error: null,
    resume_count: 0,
    queue_position: null,
    resumable: false,
    image_size: 64,
    batch_size: 4,
    created_at: '2026-11-26T10:00:00Z',
    started_at: '2026-11-26T10:00:05Z',
    finished_at: null,
    ...overrides,
  };
}

export function detail(overrides: Partial<TrainingSessionDetail> = {}): TrainingSessionDetail {
  return {
    ...summary(overrides),
    config: { ...CONFIG, epochs: 3, image_size: 64, batch_size: 4, device: 'cpu' },
    job_id: null,
    stop_requested: false,
    model_id: null,
    latest_metrics: null,
    estimated_time_remaining: null,
    ...overrides,
  };
}

export function page(items: TrainingSessionSummary[]): SessionPage {
  return { items, total: items.length, offset: 0, limit: 200 };
}

export function comparison(sessions: TrainingSessionSummary[]): CompareResponse {
  return {
    metric_keys: ['train_loss', 'val_loss', 'mask_map50_95'],
    sessions: sessions.map((session, index) => ({
      session,
      epochs: [1, 2].map((epoch) => ({
        epoch,
        metrics: {
          train_loss: 3 - epoch - index * 0.1,
          val_loss: 4 - epoch,
          mask_map50_95: 0.1 * epoch,
        },
        created_at: '2026-11-26T10:01:00Z',
      })),
    })),
  };
}

export type RouteHandler = (request: Request, url: URL) => Response | Promise<Response>;

/** "GET /api/v1/training/sessions" -> handler; unknown requests fail like an unreachable server. */
export function mockApi(handlers: Record<string, RouteHandler>): Mock<typeof fetch> {
  const all: Record<string, RouteHandler> = {
    'GET /api/v1/system/health': () => jsonResponse(HEALTHY),
    'GET /api/v1/system/info': () => jsonResponse(SYSTEM_INFO),
    ...handlers,
  };
  const fetchMock = vi.fn<typeof fetch>((input, init) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const url = new URL(request.url, window.location.origin);
    const handler = all[`${request.method} ${url.pathname}`];
    if (handler === undefined) return Promise.reject(new TypeError('Failed to fetch'));
    return Promise.resolve(handler(request, url));
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

/** The requests a fetch mock received, as "METHOD /path?query". */
export function requestsOf(fetchMock: Mock<typeof fetch>): string[] {
  return fetchMock.mock.calls.map(([input]) => {
    const request = input as Request;
    const url = new URL(request.url);
    return `${request.method} ${url.pathname}${url.search}`;
  });
}

/** A stored event as the WebSocket sends it. */
export function event(
  id: number,
  type: string,
  data: Record<string, unknown>,
  sessionId = SESSION_ID,
): string {
  return JSON.stringify({
    id,
    type,
    session_id: sessionId,
    timestamp: `2026-11-26T10:0${Math.min(id, 9)}:00Z`,
    data,
  });
}

export function metricsEvent(id: number, epoch: number, trainLoss: number): string {
  return event(id, 'training_metrics', {
    epoch,
    total_epochs: 3,
    is_best: true,
    train_loss: trainLoss,
    val_loss: trainLoss + 1,
    val_map: 0.1 * epoch,
    learning_rate: 0.01,
    epoch_time: 2.5,
    metrics: {
      train_loss: trainLoss,
      val_loss: trainLoss + 1,
      box_map50: 0.2 * epoch,
      box_map50_95: 0.1 * epoch,
      mask_map50: 0.15 * epoch,
      mask_map50_95: 0.1 * epoch,
      lr: 0.01,
      epoch_time: 2.5,
    },
  });
}

export function progressEvent(
  id: number,
  epoch: number,
  batch: number,
  percent: number,
  eta: number,
): string {
  return event(id, 'training_progress', {
    current_epoch: epoch,
    total_epochs: 3,
    current_batch: batch,
    total_batches: 12,
    progress_percent: percent,
    estimated_time_remaining: eta,
    elapsed: 30,
    losses: { box: 1.2, seg: 2.3 },
  });
}

export function logEvent(id: number, message: string, level = 'info'): string {
  return event(id, 'training_log', { level, message });
}

export function stateEvent(id: number, status: string, message = ''): string {
  return event(id, 'training_state', { status, previous: null, message });
}

export function historyEnd(lastEventId: number, status: string): string {
  return JSON.stringify({ type: 'history_end', last_event_id: lastEventId, status });
}
