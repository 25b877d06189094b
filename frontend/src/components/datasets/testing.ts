/**
 * Test helpers for the datasets screens: API payloads built from the generated types, a fetch
 * stub that routes by method and path, and a scriptable XMLHttpRequest for uploads.
 * Only tests import this file.
 */
import { vi, type Mock } from 'vitest';

import type {
  Dataset,
  DatasetDetail,
  DatasetImage,
  DatasetImagePage,
  DatasetList,
  DatasetStats,
  SplitName,
  SplitStats,
  ValidationReport,
} from '@/services/datasets.service';
import { HEALTHY, jsonResponse, SYSTEM_INFO } from '@/test/utils';

export const CREATED_AT = '2026-03-02T09:30:00';

export function makeDataset(overrides: Partial<Dataset> = {}): Dataset {
  return {
    id: 'ds1',
    name: 'Concrete cracks',
    source: 'upload',
    source_ref: null,
    source_info: { file_name: 'cracks.zip' },
    format: 'yolo-seg',
    status: 'ready',
    progress: 1,
    message: null,
    error: null,
    class_names: ['crack'],
    splits: {
      train: { images: 30, instances: 52 },
      val: { images: 6, instances: 9 },
      test: { images: 4, instances: 7 },
    },
    image_count: 40,
    instance_count: 68,
    size_bytes: 3 * 1024 * 1024,
    validation_status: 'warnings',
    error_count: 0,
    warning_count: 3,
    parent_id: null,
    job_id: 'job1',
    created_at: CREATED_AT,
    updated_at: CREATED_AT,
    ...overrides,
  };
}

export function makeSplitStats(split: string, images: number, instances: number): SplitStats {
  return {
    split,
    images,
    labelled_images: images - 1,
    background_images: 2,
    unlabelled_images: 1,
    instances,
    classes: [{ class_id: 0, name: 'crack', instances, images: images - 2 }],
    image_sizes: {
      min_width: 320,
      min_height: 240,
      max_width: 640,
      max_height: 480,
      common: [{ width: 640, height: 480, count: images - 1 }],
    },
    size_bytes: images * 40_000,
  };
}

export const SPLIT_STATS: SplitStats[] = [
  makeSplitStats('train', 30, 52),
  makeSplitStats('val', 6, 9),
  makeSplitStats('test', 4, 7),
];

export const TOTAL_STATS: SplitStats = { ...makeSplitStats('all', 40, 68), unlabelled_images: 3 };

export function makeReport(overrides: Partial<ValidationReport> = {}): ValidationReport {
  return {
    status: 'warnings',
    valid: true,
    error_count: 0,
    warning_count: 3,
    issues: [
      {
        code: 'image_without_label',
        severity: 'warning',
        message: '1 image has no label file',
        split: 'train',
        count: 1,
        examples: ['train/img_007.jpg'],
      },
      {
        code: 'image_without_label',
        severity: 'warning',
        message: '2 images have no label file',
        split: 'val',
        count: 2,
        examples: ['val/img_101.jpg', 'val/img_102.jpg'],
      },
      {
        code: 'duplicate_image',
        severity: 'warning',
        message: '2 images are byte-identical',
        split: null,
        count: 2,
        examples: ['train/a.jpg = val/b.jpg'],
      },
    ],
    class_names: ['crack'],
    splits: SPLIT_STATS,
    totals: TOTAL_STATS,
    checked_at: '2026-03-02T09:31:00Z',
    duration_s: 0.42,
    ...overrides,
  };
}

export function makeDetail(overrides: Partial<DatasetDetail> = {}): DatasetDetail {
  return { ...makeDataset(), validation: makeReport(), ...overrides };
}

export function makeList(items: Dataset[], usedBytes = 3 * 1024 * 1024): DatasetList {
  return {
    items,
    total: items.length,
    used_bytes: usedBytes,
    quota_bytes: 10 * 1024 ** 3,
    max_upload_bytes: 2 * 1024 ** 3,
  };
}

export function makeStats(): DatasetStats {
  return {
    dataset_id: 'ds1',
    class_names: ['crack'],
    image_count: 40,
    instance_count: 68,
    size_bytes: 3 * 1024 * 1024,
    splits: SPLIT_STATS,
    totals: TOTAL_STATS,
    validation_status: 'warnings',
  };
}

export function makeImage(index: number, split: SplitName = 'train'): DatasetImage {
  const id = `${split}-${index}`;
  return {
    id,
    split,
    file_name: `${split}_${String(index).padStart(3, '0')}.jpg`,
    width: 640,
    height: 480,
    size_bytes: 40_000,
    annotations: [
      {
        class_id: 0,
        class_name: 'crack',
        points: [
          [0.1, 0.1],
          [0.5, 0.2],
          [0.4, 0.6],
        ],
        points_px: [
          [64, 48],
          [320, 96],
          [256, 288],
        ],
      },
    ],
    label_problems: [],
    thumbnail_url: `/api/v1/datasets/ds1/images/${id}/thumbnail`,
    file_url: `/api/v1/datasets/ds1/images/${id}/file`,
  };
}

/** A page of the images endpoint for `total` images of one split (or train when all). */
export function makeImagePage(url: URL, total: number): DatasetImagePage {
  const offset = Number(url.searchParams.get('offset') ?? '0');
  const limit = Number(url.searchParams.get('limit') ?? '24');
  const split = url.searchParams.get('split') as SplitName | null;
  const count = Math.max(0, Math.min(limit, total - offset));
  return {
    items: Array.from({ length: count }, (_, i) => makeImage(offset + i, split ?? 'train')),
    total,
    offset,
    limit,
    split,
  };
}

export type RouteHandler = (request: Request, url: URL) => Response | Promise<Response>;

export interface ApiStub {
  fetchMock: Mock<typeof fetch>;
  /** Requests seen, as "METHOD /path?query". */
  calls: string[];
  /** JSON bodies of the requests, in order. */
  bodies: unknown[];
}

/**
 * Stubs fetch with handlers keyed "METHOD /path". Health and system info answer like a healthy
 * server; any other unknown route fails like an unreachable one.
 */
export function stubApi(routes: Record<string, RouteHandler>): ApiStub {
  const calls: string[] = [];
  const bodies: unknown[] = [];
  const all: Record<string, RouteHandler> = {
    'GET /api/v1/system/health': () => jsonResponse(HEALTHY),
    'GET /api/v1/system/info': () => jsonResponse(SYSTEM_INFO),
    ...routes,
  };
  const fetchMock = vi.fn<typeof fetch>(async (input, init) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const url = new URL(request.url, window.location.origin);
    calls.push(`${request.method} ${url.pathname}${url.search}`);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const text = await request.clone().text();
      bodies.push(text === '' ? null : (JSON.parse(text) as unknown));
    }
    const handler = all[`${request.method} ${url.pathname}`];
    if (handler === undefined) throw new TypeError('Failed to fetch');
    return handler(request, url);
  });
  vi.stubGlobal('fetch', fetchMock);
  return { fetchMock, calls, bodies };
}

/** An XMLHttpRequest whose progress and answer the test drives. */
export class FakeXhr extends EventTarget {
  static instances: FakeXhr[] = [];
  readonly upload = new EventTarget();
  method = '';
  url = '';
  body: unknown = null;
  status = 0;
  statusText = '';
  responseText = '';
  aborted = false;
  readonly headers: Record<string, string> = {};

  constructor() {
    super();
    FakeXhr.instances.push(this);
  }

  static install(): void {
    FakeXhr.instances = [];
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
  }

  static latest(): FakeXhr {
    const xhr = FakeXhr.instances.at(-1);
    if (xhr === undefined) throw new Error('No XMLHttpRequest was made');
    return xhr;
  }

  open(method: string, url: string): void {
    this.method = method;
    this.url = url;
  }

  setRequestHeader(name: string, value: string): void {
    this.headers[name] = value;
  }

  send(body: unknown): void {
    this.body = body;
  }

  abort(): void {
    this.aborted = true;
    this.dispatchEvent(new Event('abort'));
  }

  progress(loaded: number, total: number): void {
    this.upload.dispatchEvent(
      new ProgressEvent('progress', { loaded, total, lengthComputable: true }),
    );
  }

  respond(status: number, body: unknown, statusText = ''): void {
    this.status = status;
    this.statusText = statusText;
    this.responseText = JSON.stringify(body);
    this.dispatchEvent(new Event('load'));
  }
}
