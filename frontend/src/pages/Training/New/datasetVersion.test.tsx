import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import type { TrainingSessionCreate } from '@/services/training.service';
import { jsonResponse, renderRoute } from '@/test/utils';

import {
  ARCHITECTURES,
  DATASET,
  DATASET_ID,
  DEFAULTS,
  detail,
  mockApi,
  page,
  SESSION_ID,
} from '../testing/fixtures';

const VERSION = {
  id: 'a'.repeat(32),
  dataset_id: DATASET_ID,
  number: 2,
  message: 'corrected masks',
  created_at: '2026-12-02T10:00:00Z',
  class_names: ['crack'],
  size_bytes: 1000,
  counts: { images: 64, instances: 120, splits: {}, classes: [] },
  changes: {
    previous_version_id: null,
    previous_number: 1,
    images_added: 0,
    images_removed: 0,
    images_changed: 3,
    images_moved: 0,
    instances_added: 2,
    instances_removed: 1,
  },
  models: [],
};

function trainingApi() {
  const posted: TrainingSessionCreate[] = [];
  mockApi({
    'GET /api/v1/training/defaults': () => jsonResponse(DEFAULTS),
    'GET /api/v1/training/architectures': () => jsonResponse(ARCHITECTURES),
    'GET /api/v1/datasets': () => jsonResponse({ items: [DATASET] }),
    [`GET /api/v1/datasets/${DATASET_ID}/versions`]: () =>
      jsonResponse({ items: [VERSION], total: 1 }),
    'GET /api/v1/training/sessions': () => jsonResponse(page([])),
    'POST /api/v1/training/sessions': async (request) => {
      posted.push((await request.clone().json()) as TrainingSessionCreate);
      return jsonResponse(detail({ status: 'queued' }), 201);
    },
    [`GET /api/v1/training/sessions/${SESSION_ID}`]: () =>
      jsonResponse(detail({ status: 'queued' })),
    [`GET /api/v1/training/sessions/${SESSION_ID}/checkpoints`]: () => jsonResponse([]),
  });
  return posted;
}

async function start() {
  const view = renderRoute('/training/new');
  await screen.findByRole('button', { name: 'Start training' }, { timeout: 5_000 });
  await userEvent.click(screen.getByRole('radio', { name: 'From scratch' }));
  return view;
}

describe('training form: dataset version', { timeout: 20_000 }, () => {
  it('trains on the working copy unless a version is chosen', async () => {
    const posted = trainingApi();
    const { router } = await start();
    const select = await screen.findByRole('combobox', { name: 'Dataset version' });
    expect(select).toHaveValue('');
    await userEvent.click(screen.getByRole('button', { name: 'Start training' }));
    await waitFor(() => {
      expect(router.state.location.pathname).toBe(`/training/active/${SESSION_ID}`);
    });
    expect(posted[0]).toMatchObject({ dataset_id: DATASET_ID, dataset_version_id: null });
  });

  it('sends the chosen version', async () => {
    const posted = trainingApi();
    await start();
    const select = await screen.findByRole('combobox', { name: 'Dataset version' });
    await screen.findByRole('option', { name: 'v2 · corrected masks · 64 images' });
    await userEvent.selectOptions(select, VERSION.id);
    await userEvent.click(screen.getByRole('button', { name: 'Start training' }));
    await waitFor(() => {
      expect(posted).toHaveLength(1);
    });
    expect(posted[0]).toMatchObject({ dataset_id: DATASET_ID, dataset_version_id: VERSION.id });
  });
});
