import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import type { RegisteredModel, TrainingSessionCreate } from '@/services/training.service';
import { useTrainingStore } from '@/store/trainingStore';
import { FakeWebSocket } from '@/test/FakeWebSocket';
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
  summary,
  type RouteHandler,
} from '../testing/fixtures';

const MODEL_ID = 'f'.repeat(32);
const MODEL: RegisteredModel = {
  id: MODEL_ID,
  name: 'cracks v1',
  source: 'trained',
  framework: 'ultralytics',
  task: 'segment',
  family: 'yolov8',
  scale: 'n',
  model_arch: 'yolov8n-seg',
  class_names: ['crack'],
  num_classes: 1,
  image_size: 640,
  metrics: {},
  primary_metric: 0.512,
  dataset_id: DATASET_ID,
  session_id: null,
  size_bytes: 6_000_000,
  tags: [],
  evaluation_count: 0,
  export_count: 0,
  created_at: '2026-11-26T10:00:00Z',
};

function trainingApi(create: RouteHandler, running = 0) {
  const posted: TrainingSessionCreate[] = [];
  const fetchMock = mockApi({
    'GET /api/v1/training/defaults': () => jsonResponse(DEFAULTS),
    'GET /api/v1/training/architectures': () => jsonResponse(ARCHITECTURES),
    'GET /api/v1/datasets': () =>
      jsonResponse({
        items: [
          DATASET,
          { ...DATASET, id: 'e'.repeat(32), name: 'Importing', status: 'downloading' },
        ],
      }),
    'GET /api/v1/training/sessions': () =>
      jsonResponse(
        page(Array.from({ length: running }, (_, i) => summary({ id: String(i).repeat(32) }))),
      ),
    'POST /api/v1/training/sessions': async (request, url) => {
      posted.push((await request.clone().json()) as TrainingSessionCreate);
      return create(request, url);
    },
    [`GET /api/v1/training/sessions/${SESSION_ID}`]: () =>
      jsonResponse(detail({ status: 'queued' })),
    [`GET /api/v1/training/sessions/${SESSION_ID}/checkpoints`]: () => jsonResponse([]),
    'GET /api/v1/models': () => jsonResponse({ items: [MODEL], total: 1, offset: 0, limit: 200 }),
  });
  return { fetchMock, posted };
}

async function renderForm() {
  const rendered = renderRoute('/training/new');
  await screen.findByRole('button', { name: 'Start training' }, { timeout: 5_000 });
  return rendered;
}

function field(label: string): HTMLInputElement {
  return screen.getByLabelText(label, { selector: 'input,select' });
}

describe('New training form', { timeout: 30_000 }, () => {
  beforeEach(() => {
    FakeWebSocket.reset();
    vi.stubGlobal('WebSocket', FakeWebSocket);
    useTrainingStore.getState().clear();
  });

  it('shows the API defaults, ready datasets and architectures with their size', async () => {
    trainingApi(() => jsonResponse(detail(), 201));
    await renderForm();

    expect(field('Epochs')).toHaveValue(100);
    expect(field('Batch size')).toHaveValue(16);
    expect(field('Image size')).toHaveValue(640);
    expect(field('Initial learning rate (lr0)')).toHaveValue(0.01);
    expect(field('Early-stopping patience')).toHaveValue(50);
    expect(field('Optimizer')).toHaveValue('SGD');
    expect(field('Device')).toHaveValue('auto');
    expect(field('Momentum')).toHaveValue(0.937);
    expect(field('Weight decay')).toHaveValue(0.0005);
    expect(field('Final LR factor (lrf)')).toHaveValue(0.01);
    expect(field('Data-loader workers')).toHaveValue(8);
    expect(field('Random seed')).toHaveValue(42);
    expect(field('Save period')).toHaveValue(10);
    expect(screen.getByRole('checkbox', { name: /Cosine LR schedule/ })).toBeChecked();
    expect(screen.getByRole('radio', { name: 'Medium' })).toBeChecked();
    // Range hints next to the fields.
    expect(screen.getByText(/1–1,000, whole number/, { selector: 'span' })).toBeInTheDocument();
    expect(screen.getByText('32–2,048, multiple of 32')).toBeInTheDocument();

    // Only ready datasets, the first one chosen.
    const datasets = screen.getByRole('radiogroup', { name: 'Dataset' });
    expect(within(datasets).getAllByRole('radio')).toHaveLength(1);
    expect(within(datasets).getByRole('radio', { name: DATASET.name })).toBeChecked();
    expect(datasets).toHaveTextContent('72 images');

    const sizes = screen.getByRole('radiogroup', { name: 'Model size' });
    expect(within(sizes).getByRole('radio', { name: 'yolov8n-seg' })).toBeChecked();
    expect(sizes).toHaveTextContent('3.4 M');
    expect(sizes).toHaveTextContent('12.1');
    await userEvent.click(screen.getByText('YOLOv9'));
    expect(screen.getByRole('radio', { name: 'yolov9c-seg' })).toBeChecked();
    expect(screen.getByRole('radiogroup', { name: 'Model size' })).toHaveTextContent('149.3');
  });

  it('explains that official weights cannot be used offline', async () => {
    trainingApi(() => jsonResponse(detail(), 201));
    await renderForm();
    expect(screen.getByRole('radio', { name: 'Official pretrained' })).toBeChecked();
    // The family's own words (from the API) and where its weights are looked for.
    const notice = screen.getByTestId('official-missing-notice');
    expect(notice).toHaveTextContent(/offline and the official weights are not in the official/);
    expect(notice).toHaveTextContent('(models/official)');
  });

  it('offers RF-DETR with its resolution rule, its defaults and the from-scratch notice', async () => {
    const { posted } = trainingApi(() => jsonResponse(detail(), 201));
    await renderForm();
    await userEvent.click(screen.getByRole('radio', { name: 'RF-DETR Seg' }));

    expect(screen.getByRole('radio', { name: 'rfdetr-seg-nano' })).toBeChecked();
    expect(field('Image size')).toHaveValue(312);
    expect(field('Initial learning rate (lr0)')).toHaveValue(0.0001);
    expect(screen.queryByLabelText('Optimizer', { selector: 'select' })).toBeNull();
    expect(screen.getByTestId('official-missing-notice')).toHaveTextContent(
      /not in the RF-DETR weights cache: the run will train from scratch.*\/root\/\.roboflow\/models/,
    );
    expect(screen.getByTestId('family-description')).toHaveTextContent(/RF-DETR 1\.11\.2/);

    await userEvent.clear(field('Image size'));
    await userEvent.type(field('Image size'), '100');
    await userEvent.click(screen.getByRole('button', { name: 'Start training' }));
    expect(
      await screen.findByText('Must be a multiple of 12 (nearest: 96 or 108)'),
    ).toBeInTheDocument();
    expect(posted).toHaveLength(0);

    await userEvent.clear(field('Image size'));
    await userEvent.type(field('Image size'), '96');
    await userEvent.click(screen.getByRole('button', { name: 'Start training' }));
    await waitFor(() => {
      expect(posted).toHaveLength(1);
    });
    expect(posted[0]).toMatchObject({
      model_arch: 'rfdetr-seg-nano',
      image_size: 96,
      learning_rate: 0.0001,
      batch_size: 4,
    });
  });

  it('checks ranges before sending anything', async () => {
    const { posted } = trainingApi(() => jsonResponse(detail(), 201));
    await renderForm();
    await userEvent.clear(field('Epochs'));
    await userEvent.type(field('Epochs'), '5000');
    await userEvent.clear(field('Image size'));
    await userEvent.type(field('Image size'), '100');
    await userEvent.click(screen.getByRole('button', { name: 'Start training' }));

    expect(await screen.findByText('Must be between 1–1,000')).toBeInTheDocument();
    expect(screen.getByText('Must be a multiple of 32 (nearest: 96 or 128)')).toBeInTheDocument();
    expect(field('Epochs')).toHaveAttribute('aria-invalid', 'true');
    expect(posted).toHaveLength(0);
  });

  it('shows the API per-field messages next to their fields', async () => {
    trainingApi(() =>
      jsonResponse(
        {
          detail: 'Invalid request: epochs: ...',
          errors: [
            { field: 'epochs', message: 'Input should be less than or equal to 1000' },
            { field: 'momentum', message: 'Input should be less than or equal to 1' },
          ],
        },
        422,
      ),
    );
    await renderForm();
    await userEvent.click(screen.getByRole('button', { name: 'Start training' }));

    const epochsError = await screen.findByText('Input should be less than or equal to 1000');
    expect(field('Epochs')).toHaveAttribute(
      'aria-describedby',
      expect.stringContaining(epochsError.id),
    );
    // The advanced section opens to show its field's error.
    expect(screen.getByText('Input should be less than or equal to 1')).toBeVisible();
    expect(screen.getByText(/rejected some settings/)).toBeInTheDocument();

    // Editing the field clears its message.
    await userEvent.type(field('Epochs'), '1');
    expect(
      screen.queryByText('Input should be less than or equal to 1000'),
    ).not.toBeInTheDocument();
  });

  it('shows the server explanation of an offline weights error on the weights choice', async () => {
    trainingApi(() =>
      jsonResponse(
        {
          detail:
            'Official yolov8n-seg weights are not available: this machine is offline. Put yolov8n-seg.pt into models/official.',
        },
        422,
      ),
    );
    await renderForm();
    await userEvent.click(screen.getByRole('button', { name: 'Start training' }));
    const weights = screen.getByRole('radiogroup', { name: 'Starting weights' }).parentElement!;
    expect(
      await within(weights).findByText(/this machine is offline\. Put yolov8n-seg\.pt/),
    ).toBeInTheDocument();
  });

  it('sends the configuration and opens the Active view of the new session', async () => {
    const { posted } = trainingApi(() =>
      jsonResponse(detail({ status: 'queued', queue_position: 1 }), 201),
    );
    const { router } = await renderForm();
    await userEvent.click(screen.getByRole('radio', { name: 'From scratch' }));
    await userEvent.clear(field('Epochs'));
    await userEvent.type(field('Epochs'), '2');
    await userEvent.clear(field('Image size'));
    await userEvent.type(field('Image size'), '64');
    await userEvent.selectOptions(field('Device'), 'cpu');
    await userEvent.type(field('Run name (optional)'), 'tiny run');
    await userEvent.click(screen.getByRole('button', { name: 'Start training' }));

    await waitFor(() => {
      expect(router.state.location.pathname).toBe(`/training/active/${SESSION_ID}`);
    });
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({
      dataset_id: DATASET_ID,
      name: 'tiny run',
      model_arch: 'yolov8n-seg',
      pretrained: false,
      weights: null,
      epochs: 2,
      image_size: 64,
      batch_size: 16,
      device: 'cpu',
      optimizer: 'SGD',
      augmentation_level: 'medium',
      mosaic: null,
      num_workers: 8,
    });
  });

  it('starts from a registered model or a weights file of the user', async () => {
    const { posted } = trainingApi(() => jsonResponse(detail({ status: 'queued' }), 201));
    const { router } = await renderForm();
    await userEvent.click(screen.getByRole('radio', { name: 'My weights' }));
    const registered = await screen.findByRole('combobox', { name: 'Registered model' });
    await userEvent.click(screen.getByRole('button', { name: 'Start training' }));
    expect(await screen.findByText(/Enter a model id or a \.pt path/)).toBeInTheDocument();

    await userEvent.selectOptions(registered, 'cracks v1 · yolov8n-seg · mAP50-95 0.512');
    await userEvent.click(screen.getByRole('button', { name: 'Start training' }));
    await waitFor(() => {
      expect(router.state.location.pathname).toBe(`/training/active/${SESSION_ID}`);
    });
    expect(posted[0]).toMatchObject({ pretrained: true, weights: MODEL_ID });
  });

  it('says how many runs a queued run waits behind', async () => {
    trainingApi(() => jsonResponse(detail({ status: 'queued', queue_position: 2 }), 201), 1);
    await renderForm();
    expect(await screen.findByText(/1 run is in progress/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Start training' }));
    expect(await screen.findByText('Queued behind 2 runs')).toBeInTheDocument();
  });
});
