import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { makeDetail, stubApi } from '@/components/datasets/testing';
import type { ImageAnnotations, ReviewQueue } from '@/services/annotations.service';
import { jsonResponse, renderRoute } from '@/test/utils';

function item(id: string, minScore: number | null, reviewed = false) {
  return {
    image_id: id,
    file_name: `${id}.jpg`,
    split: 'train' as const,
    thumbnail_url: `/api/v1/datasets/ds1/images/${id}/thumbnail`,
    reviewed,
    instance_count: 2,
    min_score: minScore,
    disagreement: null,
    confidence: minScore,
  };
}

function queue(reviewed: ReadonlySet<string>): ReviewQueue {
  const items = [item('low', 0.21), item('mid', 0.55), item('done', 0.9, true)].map((entry) => ({
    ...entry,
    reviewed: entry.reviewed || reviewed.has(entry.image_id),
  }));
  // the server's order: unreviewed first, least confident first
  items.sort((a, b) => Number(a.reviewed) - Number(b.reviewed));
  const unreviewed = items.filter((entry) => !entry.reviewed).length;
  return {
    dataset_id: 'ds1',
    items,
    total: 3,
    unreviewed,
    reviewed: 3 - unreviewed,
    limit: 100,
  };
}

function annotations(imageId: string): ImageAnnotations {
  return {
    image_id: imageId,
    dataset_id: 'ds1',
    split: 'train',
    file_name: `${imageId}.jpg`,
    width: 640,
    height: 480,
    etag: `"${imageId}-1"`,
    version: 1,
    reviewed: false,
    class_names: ['crack'],
    instances: [
      {
        id: 'p1',
        class_id: 0,
        polygon: [
          [1, 1],
          [20, 1],
          [20, 20],
        ],
        rle: null,
        source: 'predicted',
        score: 0.21,
        reviewed: false,
      },
    ],
  };
}

async function openQueue() {
  const reviewed = new Set<string>();
  const puts: { imageId: string; ifMatch: string | null; body: unknown }[] = [];
  stubApi({
    'GET /api/v1/datasets/ds1': () => jsonResponse(makeDetail()),
    'GET /api/v1/datasets/ds1/review-queue': () => jsonResponse(queue(reviewed)),
    'GET /api/v1/datasets/ds1/images/low/annotations': () => jsonResponse(annotations('low')),
    'GET /api/v1/datasets/ds1/images/mid/annotations': () => jsonResponse(annotations('mid')),
    'PUT /api/v1/datasets/ds1/images/low/annotations': async (request) => {
      puts.push({
        imageId: 'low',
        ifMatch: request.headers.get('If-Match'),
        body: await request.clone().json(),
      });
      reviewed.add('low');
      return jsonResponse({ ...annotations('low'), reviewed: true, etag: '"low-2"' });
    },
  });
  const user = userEvent.setup();
  const view = renderRoute('/datasets/ds1/review');
  await screen.findByRole('heading', { level: 1, name: 'Review queue' });
  return { user, puts, ...view };
}

describe('review queue', { timeout: 20_000 }, () => {
  it('starts at the least confident unreviewed image and accepts it with A', async () => {
    const { user, puts } = await openQueue();
    expect(
      await screen.findByText('2 of 3 images to review', { exact: false }),
    ).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 2, name: 'low.jpg' })).toBeInTheDocument();
    const rows = within(screen.getByRole('table', { name: 'Review queue' })).getAllByRole('row');
    expect(rows.slice(1).map((row) => row.firstChild?.textContent)).toEqual([
      'low.jpg',
      'mid.jpg',
      'done.jpg',
    ]);

    await user.keyboard('a');
    await waitFor(() => {
      expect(puts).toHaveLength(1);
    });
    expect(puts[0]).toMatchObject({
      imageId: 'low',
      ifMatch: '"low-1"',
      body: { reviewed: true, instances: [expect.objectContaining({ id: 'p1', reviewed: true })] },
    });
    // the next unreviewed one comes up
    expect(await screen.findByRole('heading', { level: 2, name: 'mid.jpg' })).toBeInTheDocument();
    expect(
      await screen.findByText('1 of 3 images to review', { exact: false }),
    ).toBeInTheDocument();
  });

  it('moves on with N and opens the editor with E', async () => {
    const { user, router } = await openQueue();
    await screen.findByRole('heading', { level: 2, name: 'low.jpg' });
    await user.keyboard('n');
    expect(screen.getByRole('heading', { level: 2, name: 'mid.jpg' })).toBeInTheDocument();
    await user.keyboard('e');
    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/datasets/ds1/images/mid/edit');
    });
    expect(router.state.location.search).toBe('?from=review');
  });
});
