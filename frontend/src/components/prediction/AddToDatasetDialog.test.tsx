import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';

import { makeDataset, makeList, stubApi } from '@/components/datasets/testing';
import { AppProviders } from '@/providers';
import { createTestQueryClient, jsonResponse } from '@/test/utils';

import { AddToDatasetButton } from './AddToDatasetDialog';

const RESULT = {
  dataset_id: 'ds9',
  created: true,
  images_added: 2,
  images_merged: 1,
  instances_added: 7,
  image_ids: ['a', 'b', 'c'],
};

function renderButton(ids: string[]) {
  const api = stubApi({
    'GET /api/v1/datasets': () =>
      jsonResponse(
        makeList([
          makeDataset({ id: 'ds1', name: 'Bridge' }),
          makeDataset({ id: 'ds2', name: 'Importing', status: 'processing' }),
        ]),
      ),
    'POST /api/v1/datasets/from-predictions': () => jsonResponse(RESULT),
  });
  render(
    <AppProviders queryClient={createTestQueryClient()}>
      <MemoryRouter>
        <AddToDatasetButton predictionIds={ids} confidence={0.4} />
      </MemoryRouter>
    </AppProviders>,
  );
  return { api, user: userEvent.setup() };
}

describe('Add to dataset', () => {
  it('sends the predictions into a new dataset with the threshold and split', async () => {
    const { api, user } = renderButton(['p1', 'p2']);
    await user.click(screen.getByRole('button', { name: 'Add to dataset' }));
    expect(screen.getByText('Confidence threshold: 0.40')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Add' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Give the new dataset a name.');

    await user.type(screen.getByRole('textbox', { name: 'New dataset name' }), 'Deck pre-labels');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Split' }), 'val');
    await user.click(screen.getByRole('button', { name: 'Add' }));

    const result = await screen.findByTestId('add-to-dataset-result');
    expect(result).toHaveTextContent('Added 2 images (1 already there, merged) with 7 instances.');
    expect(screen.getByRole('link', { name: 'Open the review queue' })).toHaveAttribute(
      'href',
      '/datasets/ds9/review',
    );
    expect(api.bodies.at(-1)).toEqual({
      prediction_ids: ['p1', 'p2'],
      confidence: 0.4,
      split: 'val',
      new_name: 'Deck pre-labels',
    });
  });

  it('offers only ready datasets as an existing target', async () => {
    const { api, user } = renderButton(['p1']);
    await user.click(screen.getByRole('button', { name: 'Add to dataset' }));
    await user.click(await screen.findByRole('radio', { name: 'An existing dataset' }));
    const select = screen.getByRole('combobox', { name: 'Existing dataset' });
    expect(Array.from((select as HTMLSelectElement).options, (option) => option.text)).toEqual([
      'Bridge',
    ]);
    await user.click(screen.getByRole('button', { name: 'Add' }));
    await screen.findByTestId('add-to-dataset-result');
    expect(api.bodies.at(-1)).toMatchObject({ dataset_id: 'ds1', prediction_ids: ['p1'] });
  });
});
