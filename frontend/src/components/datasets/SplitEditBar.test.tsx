import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';

import { AppProviders } from '@/providers';
import { createTestQueryClient, jsonResponse } from '@/test/utils';

import { ImageGrid } from './ImageGrid';
import { makeImagePage, stubApi } from './testing';

function renderGrid() {
  let pages = 0;
  const api = stubApi({
    'GET /api/v1/datasets/ds1/images': (_request, url) => {
      pages += 1;
      return jsonResponse(makeImagePage(url, 5));
    },
    'PATCH /api/v1/datasets/ds1/images': () =>
      jsonResponse({
        dataset_id: 'ds1',
        split: 'test',
        moved: [
          { old_id: 'train-1', new_id: 'test-1' },
          { old_id: 'train-3', new_id: 'test-3' },
        ],
        unchanged: 0,
      }),
  });
  render(
    <AppProviders queryClient={createTestQueryClient()}>
      <MemoryRouter>
        <ImageGrid datasetId="ds1" splits={{ train: { images: 5, instances: 5 } }} imageCount={5} />
      </MemoryRouter>
    </AppProviders>,
  );
  return { api, user: userEvent.setup(), pagesLoaded: () => pages };
}

describe('split editing in the image browser', () => {
  it('moves the selected images to another split and reloads the images', async () => {
    const { api, user, pagesLoaded } = renderGrid();
    await screen.findByRole('button', { name: 'Open train_001.jpg' });
    await user.click(screen.getByRole('button', { name: 'Select images' }));
    expect(screen.getByTestId('split-edit-bar')).toHaveTextContent('0 images selected');
    expect(screen.getByRole('button', { name: 'Move' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Select train_001.jpg' }));
    await user.click(screen.getByRole('button', { name: 'Select train_003.jpg' }));
    expect(screen.getByRole('button', { name: 'Select train_003.jpg' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    expect(screen.getByTestId('split-edit-bar')).toHaveTextContent('2 images selected');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Target split' }), 'test');
    const loadedBefore = pagesLoaded();
    await user.click(screen.getByRole('button', { name: 'Move' }));

    expect(await screen.findByText('Moved 2; 0 already there.')).toBeInTheDocument();
    expect(api.bodies).toEqual([{ image_ids: ['train-1', 'train-3'], split: 'test' }]);
    expect(screen.getByTestId('split-edit-bar')).toHaveTextContent('0 images selected');
    expect(pagesLoaded()).toBeGreaterThan(loadedBefore);
  });

  it('opens the editor from the image preview', async () => {
    const { user } = renderGrid();
    await user.click(await screen.findByRole('button', { name: 'Open train_002.jpg' }));
    expect(await screen.findByRole('link', { name: 'Edit annotations' })).toHaveAttribute(
      'href',
      '/datasets/ds1/images/train-2/edit',
    );
  });
});
