import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';

import { makeDataset, makeList, stubApi } from '@/components/datasets/testing';
import { AppProviders } from '@/providers';
import type { PredictionSummary } from '@/services/prediction.service';
import { createTestQueryClient, jsonResponse } from '@/test/utils';

import { PredictionHistory } from './PredictionHistory';

function item(id: string, name: string): PredictionSummary {
  return {
    id,
    image_name: name,
    image_url: `/api/v1/predictions/${id}/image`,
    annotated_url: `/api/v1/predictions/${id}/annotated`,
    batch_id: null,
    created_at: '2026-12-02T10:00:00Z',
    width: 640,
    height: 480,
    instance_count: 2,
    model_id: 'm1',
    model_name: 'crack seg nano',
    source: 'upload',
    summary: {
      count: 2,
      max_width_px: 4,
      total_area_px: 300,
      total_length_px: 120,
      worst_severity: null,
    },
  };
}

describe('prediction history: add to dataset', () => {
  it('takes the chosen history items into a dataset', async () => {
    const api = stubApi({
      'GET /api/v1/predictions': () =>
        jsonResponse({
          items: [item('p1', 'wall.jpg'), item('p2', 'deck.jpg'), item('p3', 'pier.jpg')],
          total: 3,
          offset: 0,
          limit: 50,
        }),
      'GET /api/v1/datasets': () => jsonResponse(makeList([makeDataset()])),
      'POST /api/v1/datasets/from-predictions': () =>
        jsonResponse({
          dataset_id: 'ds1',
          created: false,
          images_added: 2,
          images_merged: 0,
          instances_added: 4,
          image_ids: ['a', 'b'],
        }),
    });
    const user = userEvent.setup();
    render(
      <AppProviders queryClient={createTestQueryClient()}>
        <MemoryRouter>
          <PredictionHistory activeId={null} onOpen={() => undefined} confidence={0.3} />
        </MemoryRouter>
      </AppProviders>,
    );
    const button = await screen.findByRole('button', { name: 'Add chosen to dataset' });
    expect(button).toBeDisabled();
    await user.click(screen.getByRole('checkbox', { name: 'Choose wall.jpg' }));
    await user.click(screen.getByRole('checkbox', { name: 'Choose pier.jpg' }));
    await user.click(screen.getByRole('button', { name: 'Add 2 chosen to dataset' }));

    const dialog = await screen.findByRole('dialog', { name: 'Add to dataset' });
    expect(dialog).toHaveTextContent('2 predictions');
    await user.click(within(dialog).getByRole('radio', { name: 'An existing dataset' }));
    await user.click(within(dialog).getByRole('button', { name: 'Add' }));
    await within(dialog).findByTestId('add-to-dataset-result');
    expect(api.bodies.at(-1)).toEqual({
      prediction_ids: ['p1', 'p3'],
      confidence: 0.3,
      split: 'train',
      dataset_id: 'ds1',
    });
  });
});
