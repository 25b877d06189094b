import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { useTrainingStore } from '@/store/trainingStore';
import { FakeWebSocket } from '@/test/FakeWebSocket';
import { jsonResponse, renderRoute } from '@/test/utils';

import {
  ARCHITECTURES,
  comparison,
  DATASET,
  DATASET_ID,
  mockApi,
  OTHER_SESSION_ID,
  page,
  requestsOf,
  SESSION_ID,
  summary,
} from '../testing/fixtures';

const THIRD_ID = 'c'.repeat(32);
const RUNS = [
  summary({
    id: SESSION_ID,
    name: 'baseline n',
    status: 'completed',
    current_epoch: 3,
    best_metric: 0.4123,
    best_epoch: 3,
    finished_at: '2026-11-26T10:05:05Z',
  }),
  summary({
    id: OTHER_SESSION_ID,
    name: 'bigger s',
    model_arch: 'yolov8s-seg',
    status: 'stopped',
    current_epoch: 1,
    best_metric: 0.2,
  }),
  summary({ id: THIRD_ID, name: 'still going', status: 'running', current_epoch: 1 }),
];

function historyApi() {
  const listQueries: URLSearchParams[] = [];
  const fetchMock = mockApi({
    'GET /api/v1/training/sessions': (_request, url) => {
      listQueries.push(url.searchParams);
      const status = url.searchParams.getAll('status');
      const q = url.searchParams.get('q')?.toLowerCase();
      const model = url.searchParams.get('model_arch');
      const items = RUNS.filter(
        (run) =>
          (status.length === 0 || status.includes(run.status)) &&
          (q === undefined || run.name.toLowerCase().includes(q)) &&
          (model === null || run.model_arch === model),
      );
      return jsonResponse(page(items));
    },
    'GET /api/v1/datasets': () => jsonResponse({ items: [DATASET] }),
    'GET /api/v1/training/architectures': () => jsonResponse(ARCHITECTURES),
    'GET /api/v1/training/compare': (_request, url) => {
      const ids = url.searchParams.get('ids')?.split(',') ?? [];
      return jsonResponse(comparison(RUNS.filter((run) => ids.includes(run.id))));
    },
    [`DELETE /api/v1/training/sessions/${SESSION_ID}`]: () =>
      jsonResponse({ success: true, freed_bytes: 1000 }),
  });
  return { fetchMock, listQueries };
}

async function renderHistory() {
  const rendered = renderRoute('/training/history');
  await screen.findAllByTestId('session-row', {}, { timeout: 5_000 });
  return rendered;
}

function rows(): HTMLElement[] {
  return screen.queryAllByTestId('session-row');
}

describe('Training history', { timeout: 30_000 }, () => {
  beforeEach(() => {
    FakeWebSocket.reset();
    vi.stubGlobal('WebSocket', FakeWebSocket);
    useTrainingStore.getState().clear();
  });

  it('lists every run with its dataset, model, status, epochs and best mAP', async () => {
    historyApi();
    await renderHistory();
    expect(rows()).toHaveLength(3);
    const first = rows()[0]!;
    expect(first).toHaveTextContent('baseline n');
    expect(first).toHaveTextContent(DATASET.name);
    expect(first).toHaveTextContent('yolov8n-seg');
    expect(first).toHaveTextContent('Completed');
    expect(first).toHaveTextContent('3 / 3');
    expect(first).toHaveTextContent('0.412');
    expect(first).toHaveTextContent('5m 0s');
    expect(within(first).getByRole('link', { name: 'baseline n' })).toHaveAttribute(
      'href',
      `/training/sessions/${SESSION_ID}`,
    );
    expect(
      within(first).getByRole('link', { name: 'Download the metrics of baseline n as CSV' }),
    ).toHaveAttribute('href', `/api/v1/training/sessions/${SESSION_ID}/metrics.csv`);
    // A running run cannot be deleted.
    expect(within(rows()[2]!).getByRole('button', { name: 'Delete still going' })).toBeDisabled();
  });

  it('filters by status, model, dataset and name through the API', async () => {
    const { listQueries } = historyApi();
    await renderHistory();

    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'stopped');
    await waitFor(() => {
      expect(rows()).toHaveLength(1);
    });
    expect(rows()[0]).toHaveTextContent('bigger s');
    expect(listQueries.at(-1)?.getAll('status')).toEqual(['stopped']);

    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Status' }), '');
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Model' }), 'yolov8s-seg');
    await waitFor(() => {
      expect(listQueries.at(-1)?.get('model_arch')).toBe('yolov8s-seg');
    });
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Model' }), '');

    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Dataset' }), DATASET_ID);
    await waitFor(() => {
      expect(listQueries.at(-1)?.get('dataset_id')).toBe(DATASET_ID);
    });

    await userEvent.type(screen.getByRole('searchbox', { name: 'Search by name' }), 'going');
    await waitFor(() => {
      expect(rows()).toHaveLength(1);
    });
    expect(rows()[0]).toHaveTextContent('still going');
    expect(listQueries.at(-1)?.get('q')).toBe('going');

    await userEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => {
      expect(rows()).toHaveLength(3);
    });
  });

  it('compares two or more selected runs side by side', async () => {
    const { fetchMock } = historyApi();
    await renderHistory();
    const compare = screen.getByRole('button', { name: /Compare/ });
    expect(compare).toBeDisabled();

    await userEvent.click(screen.getByRole('checkbox', { name: 'Select baseline n' }));
    expect(compare).toBeDisabled();
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select bigger s' }));
    expect(compare).toBeEnabled();
    expect(compare).toHaveTextContent('Compare (2)');
    await userEvent.click(compare);

    const view = await screen.findByTestId('compare-view');
    expect(requestsOf(fetchMock)).toContain(
      `GET /api/v1/training/compare?ids=${SESSION_ID}%2C${OTHER_SESSION_ID}`,
    );
    expect(await within(view).findByRole('table', { name: 'Compared runs' })).toHaveTextContent(
      'baseline n',
    );
    expect(within(view).getByTestId('compare-chart-train_loss')).toHaveAttribute(
      'data-points',
      '2',
    );
    expect(within(view).getByTestId('compare-chart-mask_map50_95')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Close the comparison' }));
    expect(screen.queryByTestId('compare-view')).not.toBeInTheDocument();
  });

  it('deletes a finished run after confirmation', async () => {
    const { fetchMock } = historyApi();
    await renderHistory();
    await userEvent.click(screen.getByRole('button', { name: 'Delete baseline n' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete this run?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Keep it' }));
    expect(requestsOf(fetchMock).some((request) => request.startsWith('DELETE'))).toBe(false);

    await userEvent.click(screen.getByRole('button', { name: 'Delete baseline n' }));
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete' }),
    );
    await waitFor(() => {
      expect(requestsOf(fetchMock)).toContain(`DELETE /api/v1/training/sessions/${SESSION_ID}`);
    });
    expect(await screen.findByText('Run deleted')).toBeInTheDocument();
  });

  it('shows an empty state before the first run', async () => {
    mockApi({
      'GET /api/v1/training/sessions': () => jsonResponse(page([])),
      'GET /api/v1/datasets': () => jsonResponse({ items: [] }),
      'GET /api/v1/training/architectures': () => jsonResponse(ARCHITECTURES),
    });
    renderRoute('/training/history');
    expect(
      await screen.findByRole('heading', { name: 'No training runs yet' }, { timeout: 5_000 }),
    ).toBeInTheDocument();
  });
});
