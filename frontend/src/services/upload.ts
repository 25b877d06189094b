import { csrfHeaders, reportForbidden, reportUnauthorized } from './api';
import { apiErrorOf, plainDetailOf } from './errors';

export interface UploadProgress {
  loaded: number;
  total: number;
}

/** Thrown when the user cancels an upload. */
export class UploadCancelledError extends Error {
  constructor() {
    super('The upload was cancelled.');
    this.name = 'UploadCancelledError';
  }
}

export interface UploadRequest {
  url: string;
  form: FormData;
  /** Reported as `total` when the browser cannot tell the request's length. */
  fallbackTotal?: number;
  onProgress?: ((progress: UploadProgress) => void) | undefined;
  /** Aborting it cancels the upload, which then rejects with UploadCancelledError. */
  signal?: AbortSignal | undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * POSTs a multipart form with XMLHttpRequest, the only browser API that reports upload progress.
 * Resolves with the parsed JSON object the server answered; rejects with an ApiError for a
 * refusal, a TypeError when the connection fails and UploadCancelledError when `signal` aborts.
 */
export function uploadWithProgress<T>(request: UploadRequest): Promise<T> {
  const { url, form, fallbackTotal = 0, onProgress, signal } = request;
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new UploadCancelledError());
      return;
    }
    const xhr = new XMLHttpRequest();
    const onAbortSignal = () => {
      xhr.abort();
    };
    const settle = () => {
      signal?.removeEventListener('abort', onAbortSignal);
    };
    xhr.upload.addEventListener('progress', (event) => {
      onProgress?.({
        loaded: event.loaded,
        total: event.lengthComputable ? event.total : fallbackTotal,
      });
    });
    xhr.addEventListener('load', () => {
      settle();
      const body = parseJson(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300 && isRecord(body)) {
        resolve(body as T);
        return;
      }
      if (xhr.status === 401) reportUnauthorized();
      else if (xhr.status === 403) reportForbidden(plainDetailOf(xhr.statusText, body));
      reject(apiErrorOf(xhr.status, xhr.statusText, body));
    });
    xhr.addEventListener('error', () => {
      settle();
      reject(
        new TypeError('The upload failed: the server closed the connection or is unreachable.'),
      );
    });
    xhr.addEventListener('abort', () => {
      settle();
      reject(new UploadCancelledError());
    });
    signal?.addEventListener('abort', onAbortSignal);

    xhr.open('POST', url);
    xhr.setRequestHeader('Accept', 'application/json');
    // The same CSRF header as every other write (the session cookie goes along by itself).
    for (const [header, value] of Object.entries(csrfHeaders('POST'))) {
      xhr.setRequestHeader(header, value);
    }
    xhr.send(form);
  });
}

/** The multipart body both upload endpoints take: `file` plus an optional trimmed `name`. */
export function fileUploadForm(file: File, name?: string): FormData {
  const form = new FormData();
  form.append('file', file, file.name);
  const trimmedName = name?.trim();
  if (trimmedName) form.append('name', trimmedName);
  return form;
}

export interface UploadOptions {
  name?: string;
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}
