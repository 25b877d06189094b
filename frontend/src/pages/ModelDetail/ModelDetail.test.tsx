import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import {
  detail,
  EXPORT_FORMATS,
  exportOut,
  job,
  MODEL_ID,
  mockApi,
  requestsOf,
  SESSION_ID,
  TRAINING_METRICS,
} from '@/pages/Models/testing/fixtures';
import type { ModelDetail } from '@/services/models.service';
import { jsonResponse, renderRoute } from '@/test/utils';

const MODEL_PATH = `/api/v1/models/${MODEL_ID}`;
const METRICS_PATH = `/api/v1/training/sessions/${SESSION_ID}/metrics`;
const EXPORT_ID = 'e'.repeat(32);
const DOWNLOAD_URL = `${MODEL_PATH}/exports/${EXPORT_ID}/download`;

async function bodyOf(request: Request): Promise<unknown> {
  return JSON.parse(await request.clone().text()) as unknown;
}

describe('model detail', () => {
  it('shows metrics, training curves and lineage', async () => {
    mockApi({
      [`GET ${MODEL_PATH}`]: () => jsonResponse(detail()),
      [`GET ${METRICS_PATH}`]: () => jsonResponse(TRAINING_METRICS),
    });
    renderRoute(`/models/${MODEL_ID}`);
    await screen.findByRole('heading', { level: 1, name: 'Cracks yolov8n-seg' });
    const cards = screen.getByTestId('metric-cards');
    expect(within(cards).getByText('Mask mAP50-95').nextSibling).toHaveTextContent('0.418');
    expect(await screen.findByTestId('training-curves')).toBeInTheDocument();
    expect(screen.getByRole('figure', { name: 'mAP curves' })).toHaveAttribute('data-points', '2');
    expect(screen.getByRole('link', { name: 'yolov8n-seg on Demo' })).toHaveAttribute(
      'href',
      `/training/sessions/${SESSION_ID}`,
    );
    expect(screen.getByRole('link', { name: /Weights · 6.50 MB/ })).toHaveAttribute(
      'href',
      `${MODEL_PATH}/download`,
    );
  });

  it('names the dataset version it was trained on', async () => {
    mockApi({
      [`GET ${MODEL_PATH}`]: () =>
        jsonResponse(detail({ dataset_version_id: 'v'.repeat(32), dataset_version_number: 3 })),
      [`GET ${METRICS_PATH}`]: () => jsonResponse(TRAINING_METRICS),
    });
    renderRoute(`/models/${MODEL_ID}`);
    const version = await screen.findByTestId('lineage-dataset-version');
    expect(version).toHaveTextContent('v3');
    expect(within(version).getByRole('link', { name: 'versions' })).toHaveAttribute(
      'href',
      expect.stringMatching(/^\/datasets\/.+#versions$/),
    );
  });

  it('says a model trained on the working copy has no version', async () => {
    mockApi({
      [`GET ${MODEL_PATH}`]: () => jsonResponse(detail()),
      [`GET ${METRICS_PATH}`]: () => jsonResponse(TRAINING_METRICS),
    });
    renderRoute(`/models/${MODEL_ID}`);
    const lineage = await screen.findByLabelText('Lineage');
    expect(lineage).toHaveTextContent('Dataset versionWorking copy (no version)');
  });

  it('renames the model and edits its tags inline, validated', async () => {
    let current: ModelDetail = detail();
    const fetchMock = mockApi({
      [`GET ${MODEL_PATH}`]: () => jsonResponse(current),
      [`GET ${METRICS_PATH}`]: () => jsonResponse(TRAINING_METRICS),
      [`PATCH ${MODEL_PATH}`]: async (request) => {
        const body = (await request.clone().json()) as { name?: string; tags?: string[] };
        current = { ...current, ...body };
        return jsonResponse(current);
      },
    });
    renderRoute(`/models/${MODEL_ID}`);
    await screen.findByRole('heading', { level: 1, name: 'Cracks yolov8n-seg' });

    await userEvent.click(screen.getByRole('button', { name: 'Rename model' }));
    const input = screen.getByRole('textbox', { name: 'Model name' });
    await userEvent.clear(input);
    expect(screen.getByRole('alert')).toHaveTextContent('The name cannot be blank.');
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    await userEvent.type(input, '  Production   cracks {Enter}');
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Production cracks' }),
    ).toBeInTheDocument();

    const tags = screen.getByTestId('tag-editor');
    const newTag = within(tags).getByRole('textbox', { name: 'New tag' });
    await userEvent.type(newTag, 'bad;tag{Enter}');
    expect(within(tags).getByRole('alert')).toHaveTextContent(/letters, digits/);
    await userEvent.clear(newTag);
    await userEvent.type(newTag, 'BASELINE{Enter}');
    expect(within(tags).getByRole('alert')).toHaveTextContent(/already tagged/);
    await userEvent.clear(newTag);
    await userEvent.type(newTag, 'prod v2{Enter}');
    expect(await within(tags).findByText('prod v2')).toBeInTheDocument();
    await userEvent.click(within(tags).getByRole('button', { name: 'Remove tag baseline' }));
    await waitFor(() => {
      expect(within(tags).queryByText('baseline')).not.toBeInTheDocument();
    });

    const patches = requestsOf(fetchMock).filter((request) => request.method === 'PATCH');
    expect(await Promise.all(patches.map(bodyOf))).toEqual([
      { name: 'Production cracks' },
      { tags: ['baseline', 'prod v2'] },
      { tags: ['prod v2'] },
    ]);
  });

  it('exports: TensorRT is disabled with its reason, then progress, then a download link', async () => {
    const fetchMock = mockApi({
      [`GET ${MODEL_PATH}`]: () => jsonResponse(detail()),
      [`GET ${METRICS_PATH}`]: () => jsonResponse(TRAINING_METRICS),
      'GET /api/v1/models/export-formats': () => jsonResponse(EXPORT_FORMATS),
      [`POST ${MODEL_PATH}/export`]: () => jsonResponse(exportOut(), 202),
      'GET /api/v1/jobs/job-export': [
        () => jsonResponse(job({ status: 'running', progress: 0.4, message: 'Exporting ONNX' })),
        () => jsonResponse(job({ status: 'completed', progress: 1, message: 'Done' })),
      ],
      [`GET ${MODEL_PATH}/exports/${EXPORT_ID}`]: () =>
        jsonResponse(
          exportOut({
            status: 'completed',
            progress: 1,
            file_name: 'model.onnx',
            size_bytes: 12_900_000,
            download_url: DOWNLOAD_URL,
          }),
        ),
    });
    renderRoute(`/models/${MODEL_ID}`);
    await screen.findByRole('heading', { level: 1, name: 'Cracks yolov8n-seg' });
    await userEvent.click(screen.getAllByRole('button', { name: 'Export' })[0]!);
    const dialog = await screen.findByRole('dialog', { name: 'Export model' });

    const tensorrt = await within(dialog).findByRole('radio', { name: /^TensorRT/ });
    expect(tensorrt).toBeDisabled();
    expect(tensorrt).toHaveAccessibleDescription(/needs an NVIDIA GPU and the tensorrt package/);
    expect(within(dialog).getByRole('radio', { name: /^ONNX/ })).toBeChecked();

    await userEvent.click(within(dialog).getByRole('radio', { name: /^TorchScript/ }));
    expect(within(dialog).getByRole('checkbox', { name: /FP16/ })).toBeDisabled();
    expect(dialog).toHaveTextContent('FP16 (half) TorchScript export needs an NVIDIA GPU');
    await userEvent.click(within(dialog).getByRole('radio', { name: /^ONNX/ }));
    await userEvent.click(within(dialog).getByRole('checkbox', { name: 'Dynamic input shapes' }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Export to ONNX' }));

    const progress = await within(dialog).findByRole('progressbar', {
      name: 'Export to ONNX progress',
    });
    expect(progress).toHaveAttribute('aria-valuenow', '0.4');
    expect(dialog).toHaveTextContent('Exporting ONNX');
    const link = await within(dialog).findByRole(
      'link',
      { name: /Download model.onnx/ },
      { timeout: 4_000 },
    );
    expect(link).toHaveAttribute('href', DOWNLOAD_URL);
    expect(link).toHaveTextContent('12.3 MB');

    const post = requestsOf(fetchMock).find((request) => request.method === 'POST')!;
    expect(await bodyOf(post)).toEqual({
      format: 'onnx',
      half: false,
      dynamic: true,
      simplify: true,
      imgsz: 640,
    });
  });

  it('shows the 409 reason when the model is in use and cannot be deleted', async () => {
    const reason = 'Model is used by a running export (onnx): wait for it to finish.';
    mockApi({
      [`GET ${MODEL_PATH}`]: () => jsonResponse(detail({ in_use: reason })),
      [`GET ${METRICS_PATH}`]: () => jsonResponse(TRAINING_METRICS),
      [`DELETE ${MODEL_PATH}`]: () => jsonResponse({ detail: reason }, 409),
    });
    renderRoute(`/models/${MODEL_ID}`);
    await screen.findByRole('heading', { level: 1, name: 'Cracks yolov8n-seg' });
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete model' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete model' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('The model was not deleted');
    expect(alert).toHaveTextContent(reason);
  });

  it('says when the model does not exist', async () => {
    mockApi({ [`GET ${MODEL_PATH}`]: () => jsonResponse({ detail: 'No model' }, 404) });
    renderRoute(`/models/${MODEL_ID}`);
    expect(await screen.findByRole('heading', { name: 'Model not found' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Model');
  });
});
