import { FakeXhr } from '@/components/datasets/testing';

import { ApiError } from './errors';
import { fileUploadForm, UploadCancelledError, uploadWithProgress } from './upload';

describe('uploadWithProgress', () => {
  beforeEach(() => {
    FakeXhr.install();
  });

  it('posts the form to the url and resolves with the JSON object', async () => {
    const form = new FormData();
    const progress: number[] = [];
    const uploaded = uploadWithProgress<{ id: string }>({
      url: '/api/v1/things',
      form,
      onProgress: ({ loaded }) => progress.push(loaded),
    });
    const xhr = FakeXhr.latest();
    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe('/api/v1/things');
    expect(xhr.body).toBe(form);
    expect(xhr.headers.Accept).toBe('application/json');
    xhr.progress(3, 6);
    xhr.respond(201, { id: 'a' });
    await expect(uploaded).resolves.toEqual({ id: 'a' });
    expect(progress).toEqual([3]);
  });

  it('rejects with the ApiError of a refusal, keeping the detail and the field messages', async () => {
    const uploaded = uploadWithProgress({ url: '/u', form: new FormData() });
    FakeXhr.latest().respond(
      422,
      { detail: 'too big', errors: [{ field: 'file', message: 'over 2 GB' }] },
      'Unprocessable Entity',
    );
    const error: unknown = await uploaded.catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 422,
      detail: 'too big',
      message: 'HTTP 422: too big',
      fieldErrors: { file: 'over 2 GB' },
    });
  });

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const uploaded = uploadWithProgress({
      url: '/u',
      form: new FormData(),
      signal: controller.signal,
    });
    await expect(uploaded).rejects.toBeInstanceOf(UploadCancelledError);
    expect(FakeXhr.instances).toHaveLength(0);
  });
});

describe('fileUploadForm', () => {
  it('adds the trimmed name only when there is one', () => {
    const file = new File(['x'], 'w.pt');
    expect(fileUploadForm(file, '  Deck ').get('name')).toBe('Deck');
    expect(fileUploadForm(file, '  ').has('name')).toBe(false);
    expect((fileUploadForm(file).get('file') as File).name).toBe('w.pt');
  });
});
