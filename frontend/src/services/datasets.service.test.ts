import { FakeXhr, makeDataset } from '@/components/datasets/testing';

import { thumbnailUrl, UploadCancelledError, uploadDatasetZip } from './datasets.service';

describe('uploadDatasetZip', () => {
  beforeEach(() => {
    FakeXhr.install();
  });

  const file = new File([new Uint8Array(10)], 'set.zip', { type: 'application/zip' });

  it('posts the file and name as multipart and reports progress', async () => {
    const progress: number[] = [];
    const uploaded = uploadDatasetZip(file, {
      name: '  Deck  ',
      onProgress: ({ loaded }) => progress.push(loaded),
    });
    const xhr = FakeXhr.latest();
    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe('/api/v1/datasets/upload');
    expect((xhr.body as FormData).get('name')).toBe('Deck');
    xhr.progress(5, 10);
    xhr.progress(10, 10);
    xhr.respond(202, makeDataset({ id: 'new', status: 'queued' }));
    await expect(uploaded).resolves.toMatchObject({ id: 'new', status: 'queued' });
    expect(progress).toEqual([5, 10]);
  });

  it('omits an empty name', () => {
    void uploadDatasetZip(file, { name: '   ' }).catch(() => undefined);
    expect((FakeXhr.latest().body as FormData).has('name')).toBe(false);
  });

  it('rejects with the server message when the zip is refused', async () => {
    const uploaded = uploadDatasetZip(file);
    FakeXhr.latest().respond(413, { detail: 'The zip is 3 GB; the limit is 2 GB.' });
    await expect(uploaded).rejects.toMatchObject({
      status: 413,
      detail: 'The zip is 3 GB; the limit is 2 GB.',
    });
  });

  it('aborts the request when the signal fires', async () => {
    const controller = new AbortController();
    const uploaded = uploadDatasetZip(file, { signal: controller.signal });
    controller.abort();
    await expect(uploaded).rejects.toBeInstanceOf(UploadCancelledError);
    expect(FakeXhr.latest().aborted).toBe(true);
  });
});

describe('thumbnailUrl', () => {
  it('asks for the size and, when wanted, the server-drawn overlay', () => {
    const image = { thumbnail_url: '/api/v1/datasets/d/images/i/thumbnail' };
    expect(thumbnailUrl(image as Parameters<typeof thumbnailUrl>[0])).toBe(
      '/api/v1/datasets/d/images/i/thumbnail?size=256',
    );
    expect(thumbnailUrl(image as Parameters<typeof thumbnailUrl>[0], 512, true)).toBe(
      '/api/v1/datasets/d/images/i/thumbnail?size=512&overlay=true',
    );
  });
});
