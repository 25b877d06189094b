/**
 * Test doubles of the models API for the models pages' tests. Shapes are the generated API types,
 * so a backend change that breaks them fails the type check.
 */
import { vi, type Mock } from 'vitest';

import type { Job } from '@/hooks/useJob';
import type {
  Dataset,
  EvaluationOut,
  ExportFormatList,
  ExportOut,
  ModelComparison,
  ModelDetail,
  ModelImportJob,
  ModelList,
  ModelSummary,
  TrainingMetrics,
} from '@/services/models.service';
import { ARCHITECTURES } from '@/pages/Training/testing/fixtures';
import { HEALTHY, jsonResponse, SYSTEM_INFO } from '@/test/utils';

export const MODEL_ID = 'm'.repeat(32);
export const OTHER_MODEL_ID = 'n'.repeat(32);
export const SESSION_ID = 's'.repeat(32);
export const DATASET_ID = 'd'.repeat(32);
export const CREATED = '2026-11-26T10:00:00Z';

export function summary(overrides: Partial<ModelSummary> = {}): ModelSummary {
  return {
    id: MODEL_ID,
    name: 'Cracks yolov8n-seg',
    source: 'trained',
    framework: 'ultralytics',
    family: 'yolov8',
    model_arch: 'yolov8n-seg',
    scale: 'n',
    task: 'segment',
    class_names: ['crack'],
    num_classes: 1,
    image_size: 640,
    dataset_id: DATASET_ID,
    dataset_name: 'Demo: synthetic concrete cracks',
    session_id: SESSION_ID,
    session_name: 'yolov8n-seg on Demo',
    metrics: {
      box_precision: 0.81,
      box_recall: 0.74,
      box_map50: 0.79,
      box_map50_95: 0.52,
      mask_precision: 0.78,
      mask_recall: 0.7,
      mask_map50: 0.7312,
      mask_map50_95: 0.4178,
    },
    primary_metric: 0.4178,
    size_bytes: 6_815_744,
    tags: ['baseline'],
    export_count: 0,
    evaluation_count: 0,
    created_at: CREATED,
    ...overrides,
  };
}

export const IMPORTED: ModelSummary = summary({
  id: OTHER_MODEL_ID,
  name: 'Field model v2',
  source: 'imported',
  family: 'yolo11',
  model_arch: 'yolo11s-seg',
  scale: 's',
  dataset_id: null,
  dataset_name: null,
  session_id: null,
  session_name: null,
  image_size: 1024,
  metrics: { mask_map50: 0.812, mask_map50_95: 0.503, box_map50: 0.85, box_map50_95: 0.6 },
  primary_metric: 0.503,
  size_bytes: 20_000_000,
  tags: [],
});

export function modelList(items: ModelSummary[]): ModelList {
  return { items, total: items.length, offset: 0, limit: 200 };
}

export function exportOut(overrides: Partial<ExportOut> = {}): ExportOut {
  return {
    id: 'e'.repeat(32),
    model_id: MODEL_ID,
    format: 'onnx',
    options: { imgsz: 640, half: false, dynamic: false, simplify: true, opset: null },
    status: 'queued',
    progress: 0,
    message: null,
    error: null,
    job_id: 'job-export',
    file_name: null,
    is_directory: false,
    size_bytes: 0,
    created_at: CREATED,
    finished_at: null,
    download_url: null,
    ...overrides,
  };
}

export function evaluation(overrides: Partial<EvaluationOut> = {}): EvaluationOut {
  return {
    id: 'v'.repeat(32),
    model_id: MODEL_ID,
    dataset_id: DATASET_ID,
    dataset_name: 'Demo: synthetic concrete cracks',
    split: 'val',
    params: { imgsz: 640, conf: 0.001, iou: 0.7 },
    metrics: { mask_map50: 0.7, mask_map50_95: 0.41, box_map50: 0.77, box_map50_95: 0.5 },
    per_class: [],
    status: 'completed',
    progress: 1,
    message: null,
    error: null,
    job_id: 'job-eval',
    created_at: CREATED,
    finished_at: CREATED,
    ...overrides,
  };
}

export function detail(overrides: Partial<ModelDetail> = {}): ModelDetail {
  return {
    ...summary(overrides),
    file_name: 'best.pt',
    dataset: {
      id: DATASET_ID,
      name: 'Demo: synthetic concrete cracks',
      status: 'ready',
      class_names: ['crack'],
    },
    session: {
      id: SESSION_ID,
      name: 'yolov8n-seg on Demo',
      status: 'completed',
      model_arch: 'yolov8n-seg',
      total_epochs: 3,
      best_epoch: 3,
      best_metric: 0.4178,
      created_at: CREATED,
      finished_at: CREATED,
      config: { model_arch: 'yolov8n-seg', epochs: 3, batch_size: 4, image_size: 640, seed: 42 },
    },
    exports: [],
    evaluations: [],
    in_use: null,
    ...overrides,
  };
}

export const EXPORT_FORMATS: ExportFormatList = {
  gpu_count: 0,
  formats: [
    {
      name: 'onnx',
      title: 'ONNX',
      description: 'ONNX graph for ONNX Runtime (fast CPU inference), TensorRT and most runtimes.',
      available: true,
      reason: null,
      half_reason: null,
      options: { dynamic: true, simplify: true, opset: true, half: true },
      is_directory: false,
      runs_in_app: true,
      extra: 'ml',
      notes: [],
    },
    {
      name: 'torchscript',
      title: 'TorchScript',
      description: 'A traced PyTorch graph for C++/LibTorch deployment.',
      available: true,
      reason: null,
      half_reason: 'FP16 (half) TorchScript export needs an NVIDIA GPU; none found',
      options: { dynamic: true, simplify: false, opset: false, half: false },
      is_directory: false,
      runs_in_app: true,
      extra: 'ml',
      notes: [],
    },
    {
      name: 'engine',
      title: 'TensorRT',
      description: 'A TensorRT engine for NVIDIA GPUs, built for the GPU that exports it.',
      available: false,
      reason:
        'TensorRT export needs an NVIDIA GPU and the tensorrt package: no NVIDIA GPU found; the tensorrt package is not installed',
      half_reason: null,
      options: { dynamic: true, simplify: true, opset: true, half: false },
      is_directory: false,
      runs_in_app: true,
      extra: 'tensorrt',
      notes: [],
    },
  ],
};

export function job(overrides: Partial<Job> = {}): Job {
  return {
    id: 'job-export',
    kind: 'model_export',
    queue: 'cpu',
    status: 'running',
    progress: 0.4,
    message: 'Exporting',
    error: null,
    result: null,
    subject_id: MODEL_ID,
    created_at: CREATED,
    started_at: CREATED,
    finished_at: null,
    ...overrides,
  };
}

export function importJob(overrides: Partial<ModelImportJob> = {}): ModelImportJob {
  return {
    job_id: 'job-import',
    status: 'queued',
    progress: 0,
    message: null,
    error: null,
    file_name: 'best.pt',
    size_bytes: 1024,
    model_id: null,
    created_at: CREATED,
    finished_at: null,
    ...overrides,
  };
}

export const TRAINING_METRICS: TrainingMetrics = {
  session_id: SESSION_ID,
  metric_keys: ['train_loss', 'val_loss', 'mask_map50', 'mask_map50_95'],
  best_epoch: 2,
  epochs: [1, 2].map((epoch) => ({
    epoch,
    metrics: {
      train_loss: 3 - epoch,
      val_loss: 3.5 - epoch,
      mask_map50: 0.3 * epoch,
      mask_map50_95: 0.2 * epoch,
    },
    created_at: CREATED,
  })),
};

export const READY_DATASET: Dataset = {
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
  image_count: 60,
  instance_count: 75,
  size_bytes: 1_000_000,
  validation_status: 'passed',
  error_count: 0,
  warning_count: 0,
  parent_id: null,
  job_id: null,
  created_at: CREATED,
  updated_at: CREATED,
};

export function comparison(): ModelComparison {
  const first = summary();
  return {
    models: [first, IMPORTED],
    metric_keys: [
      'box_precision',
      'box_recall',
      'box_map50',
      'box_map50_95',
      'mask_precision',
      'mask_recall',
      'mask_map50',
      'mask_map50_95',
    ],
    evaluations: [
      {
        dataset_id: DATASET_ID,
        dataset_name: 'Demo: synthetic concrete cracks',
        split: 'test',
        results: [
          {
            model_id: MODEL_ID,
            evaluation_id: 'a1',
            metrics: { mask_map50: 0.61, mask_map50_95: 0.33 },
            created_at: CREATED,
          },
          {
            model_id: OTHER_MODEL_ID,
            evaluation_id: 'a2',
            metrics: { mask_map50: 0.66, mask_map50_95: 0.35 },
            created_at: CREATED,
          },
        ],
      },
    ],
  };
}

export type RouteHandler = (request: Request, url: URL) => Response | Promise<Response>;

/**
 * "GET /api/v1/models" -> handler (or a list of handlers answered in turn, the last one repeated).
 * Unknown requests fail like an unreachable server. Requests are recorded for assertions.
 */
export function mockApi(
  handlers: Record<string, RouteHandler | RouteHandler[]>,
): Mock<typeof fetch> {
  const all: Record<string, RouteHandler | RouteHandler[]> = {
    'GET /api/v1/system/health': () => jsonResponse(HEALTHY),
    'GET /api/v1/system/info': () => jsonResponse(SYSTEM_INFO),
    'GET /api/v1/training/architectures': () => jsonResponse(ARCHITECTURES),
    ...handlers,
  };
  const calls = new Map<string, number>();
  const fetchMock = vi.fn<typeof fetch>((input, init) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const url = new URL(request.url, window.location.origin);
    const key = `${request.method} ${url.pathname}`;
    const entry = all[key];
    if (entry === undefined) return Promise.reject(new TypeError(`Failed to fetch ${key}`));
    const count = calls.get(key) ?? 0;
    calls.set(key, count + 1);
    const handler = Array.isArray(entry) ? entry[Math.min(count, entry.length - 1)] : entry;
    if (handler === undefined) return Promise.reject(new TypeError(`No answer for ${key}`));
    return Promise.resolve(handler(request, url));
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

/** The requests a mocked fetch received, as "METHOD /path". */
export function requestsOf(fetchMock: Mock<typeof fetch>): Request[] {
  return fetchMock.mock.calls.map(([input]) =>
    input instanceof Request ? input : new Request(String(input)),
  );
}

/** Stands in for XMLHttpRequest (the upload): answers the POST with `status` and `body`. */
export function fakeXhr(status: number, body: unknown): { sent: FormData[] } {
  const sent: FormData[] = [];
  class FakeXMLHttpRequest extends EventTarget {
    readonly upload = new EventTarget();
    status = 0;
    statusText = '';
    responseText = '';
    open(): void {
      // The URL is fixed (the import endpoint); nothing to record.
    }
    setRequestHeader(): void {
      // Headers are irrelevant to the fake.
    }
    abort(): void {
      this.dispatchEvent(new Event('abort'));
    }
    send(form: FormData): void {
      sent.push(form);
      setTimeout(() => {
        const progress = new ProgressEvent('progress', {
          lengthComputable: true,
          loaded: 1,
          total: 1,
        });
        this.upload.dispatchEvent(progress);
        this.status = status;
        this.responseText = JSON.stringify(body);
        this.dispatchEvent(new Event('load'));
      }, 0);
    }
  }
  vi.stubGlobal('XMLHttpRequest', FakeXMLHttpRequest);
  return { sent };
}
