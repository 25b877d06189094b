import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { makeDataset, makeList, stubApi } from '@/components/datasets/testing';
import { jsonResponse, renderRoute } from '@/test/utils';

describe('datasets page', { timeout: 20_000 }, () => {
  it('lists each dataset with its status, splits, counts, size and validation', async () => {
    stubApi({
      'GET /api/v1/datasets': () =>
        jsonResponse(
          makeList([
            makeDataset(),
            makeDataset({
              id: 'ds2',
              name: 'Roboflow bridge cracks',
              source: 'roboflow',
              format: 'coco',
              status: 'failed',
              error: 'Roboflow answered 401: the API key is not valid.',
              splits: {},
              image_count: 0,
              instance_count: 0,
              size_bytes: 0,
              validation_status: null,
            }),
          ]),
        ),
    });
    renderRoute('/datasets');

    const rows = await screen.findAllByTestId('dataset-row');
    expect(rows).toHaveLength(2);
    const first = within(rows[0]!);
    expect(first.getByRole('link', { name: 'Concrete cracks' })).toHaveAttribute(
      'href',
      '/datasets/ds1',
    );
    expect(first.getByText(/Zip upload · YOLO-seg/)).toBeInTheDocument();
    expect(first.getByText('Ready')).toBeInTheDocument();
    expect(first.getByText('train 30')).toBeInTheDocument();
    expect(first.getByText('val 6')).toBeInTheDocument();
    expect(first.getByText('test 4')).toBeInTheDocument();
    expect(first.getByText('40')).toBeInTheDocument();
    expect(first.getByText('68')).toBeInTheDocument();
    expect(first.getByText('3.0 MB')).toBeInTheDocument();
    expect(first.getByText('Warnings')).toBeInTheDocument();
    expect(first.getByText(/Mar 2026/)).toBeInTheDocument();

    const second = within(rows[1]!);
    expect(second.getByText('Failed')).toBeInTheDocument();
    expect(second.getByText(/the API key is not valid/)).toBeInTheDocument();
    expect(second.getByText(/Roboflow · COCO/)).toBeInTheDocument();

    const storage = screen.getByTestId('storage-usage');
    expect(storage).toHaveTextContent('Storage: 3.0 MB of 10.0 GB');
    expect(within(storage).getByRole('meter')).toHaveAttribute(
      'aria-valuenow',
      String(3 * 1024 * 1024),
    );
  });

  it('shows an honest empty state with an import button when there are no datasets', async () => {
    stubApi({ 'GET /api/v1/datasets': () => jsonResponse(makeList([], 0)) });
    renderRoute('/datasets');

    const empty = await screen.findByRole('heading', { name: 'No datasets yet' });
    expect(empty).toBeInTheDocument();
    expect(screen.queryByTestId('dataset-row')).not.toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: /import dataset/i })).toHaveLength(2);
  });

  it('says so when the datasets cannot be loaded', async () => {
    stubApi({});
    renderRoute('/datasets');
    expect(await screen.findByText('Could not load the datasets')).toBeInTheDocument();
    expect(screen.getByText('The backend could not be reached.')).toBeInTheDocument();
  });

  it('shows import progress and polls until the dataset is ready', async () => {
    let polls = 0;
    stubApi({
      'GET /api/v1/datasets': () => {
        polls += 1;
        const importing = makeDataset({
          status: 'extracting',
          progress: 0.4,
          message: 'Extracting 120 files',
          validation_status: null,
        });
        return jsonResponse(makeList([polls === 1 ? importing : makeDataset()]));
      },
    });
    renderRoute('/datasets');

    const bar = await screen.findByRole('progressbar', { name: /import progress of/i });
    expect(bar).toHaveAttribute('aria-valuenow', '0.4');
    expect(screen.getByText('40% · Extracting 120 files')).toBeInTheDocument();
    expect(screen.getByText('Extracting')).toBeInTheDocument();

    expect(await screen.findByText('Ready', {}, { timeout: 4000 })).toBeInTheDocument();
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
  });

  it('deletes after confirmation, explaining a 409 and offering to force', async () => {
    let deleted = false;
    const api = stubApi({
      'GET /api/v1/datasets': () =>
        jsonResponse(makeList(deleted ? [] : [makeDataset()], deleted ? 0 : 1024)),
      'DELETE /api/v1/datasets/ds1': (_request, url) => {
        if (url.searchParams.get('force') !== 'true') {
          return jsonResponse(
            {
              detail:
                "Dataset 'Concrete cracks' is used by 1 training session(s) ('run-7'). Delete with force=true to delete it anyway.",
            },
            409,
          );
        }
        deleted = true;
        return jsonResponse({ id: 'ds1', freed_bytes: 1024, detached_training_sessions: 1 });
      },
    });
    const user = userEvent.setup();
    renderRoute('/datasets');

    await user.click(await screen.findByRole('button', { name: 'Delete Concrete cracks' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete dataset' });
    expect(dialog).toHaveTextContent('Delete “Concrete cracks”?');
    expect(dialog).toHaveTextContent('40 images');

    await user.click(within(dialog).getByRole('button', { name: 'Delete dataset' }));
    expect(
      await within(dialog).findByText('This dataset is used by a training session'),
    ).toBeInTheDocument();
    expect(dialog).toHaveTextContent("('run-7')");
    expect(api.calls).toContain('DELETE /api/v1/datasets/ds1?force=false');

    await user.click(within(dialog).getByRole('button', { name: 'Delete anyway' }));
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });
    expect(api.calls).toContain('DELETE /api/v1/datasets/ds1?force=true');
    expect(await screen.findByRole('heading', { name: 'No datasets yet' })).toBeInTheDocument();
    expect(screen.getByText('Dataset deleted')).toBeInTheDocument();
  });

  it('cancelling the confirmation deletes nothing', async () => {
    const api = stubApi({ 'GET /api/v1/datasets': () => jsonResponse(makeList([makeDataset()])) });
    const user = userEvent.setup();
    renderRoute('/datasets');

    await user.click(await screen.findByRole('button', { name: 'Delete Concrete cracks' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete dataset' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });
    expect(api.calls.some((call) => call.startsWith('DELETE'))).toBe(false);
  });
});
