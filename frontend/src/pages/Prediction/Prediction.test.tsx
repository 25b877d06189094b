import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { vi } from 'vitest';

import type { PredictionResult } from '@/services/prediction.service';
import { DEFAULT_LAYERS, usePredictionStore } from '@/store/predictionStore';
import { HEALTHY, jsonResponse, renderRoute } from '@/test/utils';

import { instance, measurements, MODEL, result } from './testing/fixtures';

interface Recorded {
  method: string;
  path: string;
  body: string;
}

/** A fetch stub answering by method and path that records every request. */
function mockPredictionApi(options: { models?: unknown[]; prediction?: PredictionResult } = {}) {
  const { models = [MODEL], prediction = result() } = options;
  const requests: Recorded[] = [];
  const fetchMock = vi.fn<typeof fetch>(async (input) => {
    const request = input instanceof Request ? input : new Request(String(input));
    const path = new URL(request.url, window.location.origin).pathname;
    const body = request.method === 'GET' ? '' : await request.clone().text();
    requests.push({ method: request.method, path, body });
    const key = `${request.method} ${path}`;
    switch (key) {
      case 'GET /api/v1/system/health':
        return jsonResponse(HEALTHY);
      case 'GET /api/v1/models':
        return jsonResponse({ items: models, total: models.length, offset: 0, limit: 200 });
      case 'GET /api/v1/predictions':
        return jsonResponse({ items: [], total: 0, offset: 0, limit: 50 });
      case 'POST /api/v1/predict':
      case `GET /api/v1/predictions/${prediction.id}`:
        return jsonResponse(prediction);
      case 'POST /api/v1/predict/export':
        return new Response('id,score\n1,0.9\n', {
          headers: {
            'Content-Type': 'text/csv',
            'Content-Disposition': 'attachment; filename="predictions.csv"',
          },
        });
      default:
        return jsonResponse({ detail: 'Not Found' }, 404);
    }
  });
  vi.stubGlobal('fetch', fetchMock);
  return requests;
}

async function runOnePhoto() {
  const user = userEvent.setup();
  renderRoute('/prediction');
  await screen.findByRole('option', { name: /crack seg nano/i });
  const photo = new File([new Uint8Array([137, 80, 78, 71])], 'wall.png', { type: 'image/png' });
  await user.upload(screen.getByLabelText('Images'), photo);
  await user.click(screen.getByRole('button', { name: 'Run' }));
  await screen.findByTestId('results-panel');
  return user;
}

function rowIds(): string[] {
  return screen
    .queryAllByTestId('crack-row')
    .map((row) => within(row).getAllByRole('cell')[0]!.textContent.trim());
}

function count(requests: Recorded[], method: string, path: string): number {
  return requests.filter((r) => r.method === method && r.path === path).length;
}

beforeEach(() => {
  usePredictionStore.setState({
    conf: 0.25,
    iou: 0.45,
    layers: DEFAULT_LAYERS,
    highlightedId: null,
  });
  URL.createObjectURL = vi.fn(() => 'blob:export');
  URL.revokeObjectURL = vi.fn();
});

describe('Prediction page', () => {
  it('says honestly that a model is needed and links to Models', async () => {
    mockPredictionApi({ models: [] });
    renderRoute('/prediction');
    expect(
      await screen.findByRole('heading', { name: /no models to predict with/i }),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /go to models/i })).toHaveAttribute('href', '/models');
  });

  it('uploads the photo with the model and the slider thresholds, then shows the overlay', async () => {
    const requests = mockPredictionApi();
    await runOnePhoto();
    const post = requests.find((r) => r.method === 'POST' && r.path === '/api/v1/predict')!;
    expect(post.body).toContain('name="model_id"');
    expect(post.body).toContain('m1');
    expect(post.body).toMatch(/name="conf"\r\n\r\n0\.25\r\n/);
    expect(post.body).toContain('name="file"');
    expect(post.body).toContain('Content-Type: image/png');
    expect(screen.getByTestId('prediction-overlay')).toBeInTheDocument();
    expect(screen.getByTestId('batch-processor')).toHaveTextContent('1 of 1 images processed');
    // conf 0.25: instance 2 (0.15) is below it.
    expect(rowIds()).toEqual(['#1 crack', '#3 crack']);
  });

  it('re-filters with the sliders instantly, without a new request', async () => {
    const requests = mockPredictionApi();
    await runOnePhoto();
    const before = requests.length;

    fireEvent.change(screen.getByRole('slider', { name: 'Confidence' }), {
      target: { value: '0.1' },
    });
    // Instance 2 overlaps instance 1 almost fully (IoU ~0.98 > 0.45): NMS still drops it.
    expect(rowIds()).toEqual(['#1 crack', '#3 crack']);

    fireEvent.change(screen.getByRole('slider', { name: 'IoU (NMS)' }), {
      target: { value: '0.99' },
    });
    expect(rowIds()).toEqual(['#1 crack', '#3 crack', '#2 crack']);
    expect(screen.getAllByTestId(/^overlay-instance-/)).toHaveLength(3);

    fireEvent.change(screen.getByRole('slider', { name: 'Confidence' }), {
      target: { value: '0.95' },
    });
    expect(rowIds()).toEqual([]);
    expect(screen.getByTestId('crack-table-empty')).toBeInTheDocument();
    expect(within(screen.getByTestId('image-summary')).getByText('0')).toBeInTheDocument();
    expect(requests.length).toBe(before);
  });

  it('toggles layers and highlights the crack under the hovered row', async () => {
    mockPredictionApi();
    const user = await runOnePhoto();
    const overlay = screen.getByTestId('prediction-overlay');
    expect(overlay.querySelectorAll('rect')).toHaveLength(2);
    await user.click(screen.getByRole('button', { name: 'Boxes' }));
    expect(overlay.querySelectorAll('rect')).toHaveLength(0);
    expect(overlay.querySelectorAll('polyline')).toHaveLength(2);

    const row = screen.getAllByTestId('crack-row')[1]!;
    fireEvent.mouseEnter(row);
    expect(row).toHaveClass('bg-sky-50');
    expect(screen.getByTestId('overlay-instance-1')).toHaveAttribute('opacity', '0.45');
    expect(screen.getByTestId('overlay-instance-3')).toHaveAttribute('opacity', '1');
  });

  it('shows millimetres and severity when the scale was given', async () => {
    const withScale = result({
      params: { ...result().params, mm_per_px: 0.5 },
      instances: [
        instance(1, 0.9, [10, 10, 210, 30], {
          measurements: measurements({
            length_px: 200,
            length_mm: 100,
            width_max_mm: 4,
            width_p95_mm: 3.75,
            area_mm2: 300,
            severity: 'wide',
          }),
        }),
        instance(3, 0.6, [300, 300, 400, 500], {
          measurements: measurements({
            length_px: 120,
            length_mm: 60,
            width_max_mm: 1,
            width_p95_mm: 0.9,
            area_mm2: 80,
            severity: 'narrow',
          }),
        }),
      ],
    });
    mockPredictionApi({ prediction: withScale });
    await runOnePhoto();
    const table = screen.getByTestId('crack-table');
    expect(within(table).getByRole('columnheader', { name: 'Length mm' })).toBeInTheDocument();
    const [first, second] = screen.getAllByTestId('crack-row');
    expect(first).toHaveTextContent('100.0');
    expect(first).toHaveTextContent('4.00 / 3.75');
    expect(within(first!).getByText('wide')).toBeInTheDocument();
    expect(within(second!).getByText('narrow')).toBeInTheDocument();
    const summary = screen.getByTestId('image-summary');
    expect(summary).toHaveTextContent('160.0 mm');
    expect(summary).toHaveTextContent('4.00 mm');
    expect(within(summary).getByText('wide')).toBeInTheDocument();
  });

  it('shows pixels only, without severity, when no scale was given', async () => {
    mockPredictionApi();
    await runOnePhoto();
    expect(screen.queryByRole('columnheader', { name: 'Length mm' })).not.toBeInTheDocument();
    expect(screen.getByTestId('image-summary')).toHaveTextContent('needs scale');
  });

  it('exports through the endpoint with the chosen format and the viewer thresholds', async () => {
    const requests = mockPredictionApi();
    const user = await runOnePhoto();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Export format' }), 'csv');
    await user.click(screen.getByRole('button', { name: /download/i }));
    await waitFor(() => {
      expect(count(requests, 'POST', '/api/v1/predict/export')).toBe(1);
    });
    const exported = requests.find((r) => r.path === '/api/v1/predict/export')!;
    expect(JSON.parse(exported.body)).toEqual({
      prediction_ids: ['p1'],
      format: 'csv',
      conf: 0.25,
      iou: 0.45,
      selected_only: true,
    });
    await waitFor(() => {
      expect(URL.createObjectURL).toHaveBeenCalled();
    });
  });

  it('refuses to run without an image', async () => {
    const requests = mockPredictionApi();
    const user = userEvent.setup();
    renderRoute('/prediction');
    await screen.findByRole('option', { name: /crack seg nano/i });
    await user.click(screen.getByRole('button', { name: 'Run' }));
    expect(screen.getByRole('alert')).toHaveTextContent(/choose at least one image/i);
    expect(count(requests, 'POST', '/api/v1/predict')).toBe(0);
  });
});
