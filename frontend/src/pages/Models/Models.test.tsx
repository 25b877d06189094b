import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { jsonResponse, renderRoute } from '@/test/utils';

import {
  comparison,
  IMPORTED,
  MODEL_ID,
  mockApi,
  modelList,
  OTHER_MODEL_ID,
  requestsOf,
  SESSION_ID,
  summary,
} from './testing/fixtures';

describe('models list', () => {
  it('lists trained and imported models with lineage, metrics, size and tags', async () => {
    mockApi({ 'GET /api/v1/models': () => jsonResponse(modelList([summary(), IMPORTED])) });
    renderRoute('/models');
    const table = await screen.findByRole('table', { name: 'Models' });
    const rows = within(table).getAllByTestId('model-row');
    expect(rows).toHaveLength(2);

    const trained = rows[0]!;
    expect(within(trained).getByRole('link', { name: 'Cracks yolov8n-seg' })).toHaveAttribute(
      'href',
      `/models/${MODEL_ID}`,
    );
    expect(trained).toHaveTextContent('Trained');
    expect(trained).toHaveTextContent('YOLOv8 · nano');
    expect(trained).toHaveTextContent('Segmentation');
    expect(trained).toHaveTextContent('crack');
    expect(trained).toHaveTextContent('640 px');
    expect(trained).toHaveTextContent('0.731');
    expect(trained).toHaveTextContent('0.418');
    expect(trained).toHaveTextContent('6.50 MB');
    expect(trained).toHaveTextContent('baseline');
    expect(within(trained).getByRole('link', { name: /Run: yolov8n-seg on Demo/ })).toHaveAttribute(
      'href',
      `/training/sessions/${SESSION_ID}`,
    );

    const imported = rows[1]!;
    expect(imported).toHaveTextContent('Imported');
    expect(imported).toHaveTextContent('YOLO11 · small');
    expect(imported).toHaveTextContent('Imported file');
    expect(screen.getByText('2 models')).toBeInTheDocument();
  });

  it('says how to get a model when there is none', async () => {
    mockApi({ 'GET /api/v1/models': () => jsonResponse(modelList([])) });
    renderRoute('/models');
    const root = await screen.findByTestId('page-models');
    const heading = await within(root).findByRole('heading', { name: 'No models yet' });
    const empty = heading.closest<HTMLElement>('[role="status"]')!;
    expect(empty).toHaveTextContent(/training run completes/);
    expect(empty).toHaveTextContent(/\.pt file/);
    expect(within(empty).getByRole('link', { name: 'Train a model' })).toHaveAttribute(
      'href',
      '/training/new',
    );
    await userEvent.click(within(empty).getByRole('button', { name: 'Import a .pt file' }));
    expect(await screen.findByRole('dialog', { name: 'Import a model' })).toBeInTheDocument();
  });

  it('sends the filters to the API', async () => {
    const fetchMock = mockApi({
      'GET /api/v1/models': (_request, url) =>
        jsonResponse(
          modelList(
            url.searchParams.get('source') === 'imported' ? [IMPORTED] : [summary(), IMPORTED],
          ),
        ),
    });
    renderRoute('/models');
    await screen.findByRole('table', { name: 'Models' });
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Source' }), 'imported');
    await screen.findByText('1 model');
    const urls = requestsOf(fetchMock).map((request) => new URL(request.url));
    expect(urls.some((url) => url.searchParams.get('source') === 'imported')).toBe(true);
    expect(screen.getAllByTestId('model-row')).toHaveLength(1);
  });

  it('compares the selected models', async () => {
    mockApi({
      'GET /api/v1/models': () => jsonResponse(modelList([summary(), IMPORTED])),
      'GET /api/v1/models/compare': () => jsonResponse(comparison()),
    });
    const { router } = renderRoute('/models');
    const compare = await screen.findByRole('button', { name: /Compare/ });
    expect(compare).toBeDisabled();
    await userEvent.click(
      await screen.findByRole('checkbox', { name: 'Select Cracks yolov8n-seg for comparison' }),
    );
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Select Field model v2 for comparison' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Compare (2)' }));
    expect(router.state.location.pathname).toBe('/models/compare');
    expect(router.state.location.search).toBe(`?ids=${MODEL_ID},${OTHER_MODEL_ID}`);
    expect(await screen.findByTestId('page-model-compare')).toBeInTheDocument();
  });
});

describe('compare view', () => {
  it('puts stored metrics side by side and aligns evaluations on the same split', async () => {
    const fetchMock = mockApi({ 'GET /api/v1/models/compare': () => jsonResponse(comparison()) });
    renderRoute(`/models/compare?ids=${MODEL_ID},${OTHER_MODEL_ID}`);
    const stored = await screen.findByRole('table', { name: 'Stored metrics' });
    const headers = within(stored)
      .getAllByRole('columnheader')
      .map((cell) => cell.textContent);
    expect(headers).toEqual(['Metric', 'Cracks yolov8n-seg', 'Field model v2']);
    const maskRow = within(stored).getByRole('row', { name: /^Mask mAP50-95/ });
    expect(
      within(maskRow)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['0.418', '0.503']);
    expect(screen.getByRole('figure', { name: 'Stored mAP by model' })).toBeInTheDocument();

    const evaluation = screen.getByRole('table', {
      name: 'Evaluation on Demo: synthetic concrete cracks · Test',
    });
    const row = within(evaluation).getByRole('row', { name: /^Mask mAP50 / });
    expect(
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['0.610', '0.660']);
    const url = new URL(requestsOf(fetchMock).find((r) => r.url.includes('compare'))!.url);
    expect(url.searchParams.get('ids')).toBe(`${MODEL_ID},${OTHER_MODEL_ID}`);
  });

  it('asks for at least two models', async () => {
    mockApi({});
    renderRoute(`/models/compare?ids=${MODEL_ID}`);
    expect(
      await screen.findByRole('heading', { name: 'Choose models to compare' }),
    ).toBeInTheDocument();
  });
});
