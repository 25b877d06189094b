import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { AppProviders } from '@/providers';
import type { DatasetVersion } from '@/services/datasetVersions.service';
import { createTestQueryClient, jsonResponse } from '@/test/utils';

import { stubApi } from './testing';
import { VersionsPanel } from './VersionsPanel';

function version(number: number, overrides: Partial<DatasetVersion> = {}): DatasetVersion {
  return {
    id: `v${number}`,
    dataset_id: 'ds1',
    number,
    message: `snapshot ${number}`,
    created_at: '2026-12-02T10:00:00Z',
    class_names: ['crack'],
    size_bytes: 1000,
    counts: {
      images: 10 + number,
      instances: 20 + number,
      splits: { train: { images: 8, instances: 16 }, val: { images: 2 + number, instances: 4 } },
      classes: [],
    },
    changes: {
      previous_version_id: number > 1 ? `v${number - 1}` : null,
      previous_number: number > 1 ? number - 1 : null,
      images_added: 3,
      images_removed: 1,
      images_changed: 2,
      images_moved: 1,
      instances_added: 5,
      instances_removed: 2,
    },
    models: [],
    ...overrides,
  };
}

function renderPanel() {
  let items = [version(2, { models: ['Cracks v2 model'] }), version(1)];
  const api = stubApi({
    'GET /api/v1/datasets/ds1/versions': () => jsonResponse({ items, total: items.length }),
    'POST /api/v1/datasets/ds1/versions': () => {
      items = [version(3, { message: 'fixed 12 masks' }), ...items];
      return jsonResponse(items[0], 201);
    },
    'DELETE /api/v1/datasets/ds1/versions/v2': () =>
      jsonResponse({ detail: 'Version 2 was used to train: Cracks v2 model' }, 409),
    'DELETE /api/v1/datasets/ds1/versions/v1': () => {
      items = items.filter((item) => item.id !== 'v1');
      return jsonResponse({ id: 'v1', removed_objects: 0 });
    },
  });
  render(
    <AppProviders queryClient={createTestQueryClient()}>
      <VersionsPanel datasetId="ds1" />
    </AppProviders>,
  );
  return { api, user: userEvent.setup() };
}

describe('versions panel', () => {
  it('lists versions with counts and what changed', async () => {
    renderPanel();
    const table = await screen.findByRole('table', { name: 'Dataset versions' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveTextContent('v2');
    expect(rows[0]).toHaveTextContent('12 / 22');
    expect(rows[0]).toHaveTextContent('Train 8/16 · Validation 4/4');
    expect(rows[0]).toHaveTextContent('vs v1: +3 −1 ~2 images, 1 moved · +5 −2 instances');
    expect(rows[0]).toHaveTextContent('Cracks v2 model');
    expect(rows[1]).toHaveTextContent('First version');
    expect(within(rows[0]!).getByRole('link', { name: 'Download v2 as yolo-seg' })).toHaveAttribute(
      'href',
      '/api/v1/datasets/ds1/versions/v2/download?format=yolo-seg',
    );
  });

  it('downloads in the chosen format', async () => {
    const { user } = renderPanel();
    await screen.findByRole('table', { name: 'Dataset versions' });
    await user.selectOptions(screen.getByRole('combobox', { name: 'Download format' }), 'coco');
    expect(screen.getByRole('link', { name: 'Download v1 as coco' })).toHaveAttribute(
      'href',
      '/api/v1/datasets/ds1/versions/v1/download?format=coco',
    );
  });

  it('creates a version with its message', async () => {
    const { api, user } = renderPanel();
    await screen.findByRole('table', { name: 'Dataset versions' });
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'fixed 12 masks');
    await user.click(screen.getByRole('button', { name: 'Create version' }));
    expect(await screen.findByRole('row', { name: /v3/ })).toHaveTextContent('fixed 12 masks');
    expect(api.bodies).toEqual([{ message: 'fixed 12 masks' }]);
    expect(screen.getByRole('textbox', { name: 'Message' })).toHaveValue('');
  });

  it('shows why a version a model was trained on is kept, and deletes another', async () => {
    const { user } = renderPanel();
    await screen.findByRole('table', { name: 'Dataset versions' });
    await user.click(screen.getByRole('button', { name: 'Delete v2' }));
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    expect(
      await screen.findByText('Version 2 was used to train: Cracks v2 model'),
    ).toBeInTheDocument();
    expect(screen.getByRole('row', { name: /v2/ })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Delete v1' }));
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    await waitFor(() => {
      expect(screen.queryByRole('row', { name: /snapshot 1/ })).not.toBeInTheDocument();
    });
    expect(screen.getByRole('row', { name: /snapshot 2/ })).toBeInTheDocument();
  });
});
