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
import type { Family } from '@/components/training/families';
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

const YOLO_FIELDS = [
  'model_arch',
  'pretrained',
  'weights',
  'image_size',
  'epochs',
  'batch_size',
  'learning_rate',
  'lr_factor',
  'momentum',
  'weight_decay',
  'optimizer',
  'cosine_lr',
  'warmup_epochs',
  'warmup_momentum',
  'patience',
  'augmentation_level',
  'mosaic',
  'mixup',
  'copy_paste',
  'close_mosaic',
  'device',
  'num_workers',
  'seed',
  'save_period',
  'keep_last_checkpoints',
  'box_gain',
  'cls_gain',
  'dfl_gain',
  'iou_threshold',
];

const EXPORT_OPTIONS = {
  dynamic: true,
  simplify: true,
  opset: true,
  half: true,
  fixed_size: false,
};

/** The two families the backend registers, as GET /training/architectures describes them. */
export const FAMILIES: Family[] = [
  {
    name: 'ultralytics',
    label: 'Ultralytics YOLO',
    description: 'YOLO instance segmentation (Ultralytics): fast, many sizes, every export format.',
    version: '8.4.190',
    weights_suffixes: ['.pt'],
    weights_location: 'models/official',
    official_weights: 'download',
    own_weights_help:
      'A registered model id, or an Ultralytics .pt file under models/ or uploads/ in the data directory.',
    official_missing_notice:
      'This machine is offline and the official weights are not in the official weights folder: put the file there, choose your own weights, or train from scratch.',
    fields: YOLO_FIELDS,
    field_limits: {},
    defaults: {},
    multi_gpu: true,
    augmentation_note: null,
    export_formats: ['onnx', 'torchscript', 'openvino', 'engine'],
    export_options: {
      onnx: EXPORT_OPTIONS,
      torchscript: { ...EXPORT_OPTIONS, dynamic: false, simplify: false, opset: false },
      openvino: { ...EXPORT_OPTIONS, simplify: false, opset: false },
      engine: { ...EXPORT_OPTIONS, opset: false },
    },
    model_file: 'best.pt',
    importable_suffixes: ['.pt'],
    evaluates: true,
    resume_file: 'last.pt',
    checkpoint_note:
      'The best weights and the last epoch checkpoints kept by the retention setting.',
    starter_weights: null,
  },
  {
    name: 'rfdetr',
    label: 'RF-DETR',
    description:
      'RF-DETR detection and segmentation (Roboflow): a transformer with a DINOv2 backbone.',
    version: '1.11.2',
    weights_suffixes: ['.pth', '.pt'],
    weights_location: '/root/.roboflow/models',
    official_weights: 'cache_or_scratch',
    own_weights_help:
      'A registered RF-DETR model, or an RF-DETR .pth checkpoint under models/ or uploads/ in the data directory.',
    official_missing_notice:
      'This machine is offline and the official weights are not in the RF-DETR weights cache: the run will train from scratch. Copy the file there to start from pretrained weights.',
    fields: [
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
    field_limits: {},
    defaults: { learning_rate: 0.0001, weight_decay: 0.0001, warmup_epochs: 0, batch_size: 4 },
    multi_gpu: false,
    augmentation_note:
      'RF-DETR: none = no augmentation; light, medium and heavy = its flips and scale jitter.',
    export_formats: ['onnx'],
    export_options: {
      onnx: { dynamic: false, simplify: false, opset: true, half: false, fixed_size: true },
    },
    model_file: 'best.pth',
    importable_suffixes: [],
    evaluates: false,
    resume_file: 'last.ckpt',
    checkpoint_note:
      'The best weights, and the resumable last.ckpt while the run can still resume.',
    starter_weights: null,
  },
];

/** Per-family fields the API still sends for old clients (the front end reads `families`). */
const LEGACY_DEFAULTS = { rfdetr_weights_dir: '/root/.roboflow/models' };
const LEGACY_CATALOGUE = { ultralytics_version: '8.4.190' };

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
  ...LEGACY_DEFAULTS,
  families: FAMILIES,
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
  ...LEGACY_CATALOGUE,
  items: [
    arch('yolov8n-seg', 'yolov8', 'n', 3_409_968, 12.1),
    arch('yolov8s-seg', 'yolov8', 's', 11_821_056, 40.3),
    arch('yolov9c-seg', 'yolov9', 'c', 27_897_120, 149.3),
    arch('yolo11n-seg', 'yolo11', 'n', 2_868_664, 10.0),
    rfdetrArch('rfdetr-nano', 'nano', 32, 384),
    rfdetrArch('rfdetr-seg-nano', 'nano', 12, 312),
    rfdetrArch('rfdetr-seg-small', 'small', 24, 384),
  ],
  families: FAMILIES,
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
    'GET /api/v1/training/architectures': () => jsonResponse(ARCHITECTURES),
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
