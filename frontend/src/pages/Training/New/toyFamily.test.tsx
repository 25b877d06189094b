/**
 * A third model family the front end has never heard of ("toyseg", a fake served by the mocked
 * API) shows up in the training form and the export dialog purely from its metadata.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { ExportDialog } from '@/components/models/ExportDialog';
import type { Family } from '@/components/training/families';
import {
  EXPORT_FORMATS,
  detail as modelDetail,
  mockApi as mockModelsApi,
} from '@/pages/Models/testing/fixtures';
import type {
  Architecture,
  ArchitecturesResponse,
  TrainingSessionCreate,
} from '@/services/training.service';
import { useTrainingStore } from '@/store/trainingStore';
import { FakeWebSocket } from '@/test/FakeWebSocket';
import { createTestQueryClient, jsonResponse, renderRoute } from '@/test/utils';

import {
  ARCHITECTURES,
  DATASET,
  DEFAULTS,
  detail,
  FAMILIES,
  mockApi,
  page,
} from '../testing/fixtures';

const TOY: Family = {
  name: 'toyseg',
  label: 'Toy Seg',
  description: 'A toy segmentation family that exists only in this test.',
  version: '0.0.7',
  weights_suffixes: ['.toy'],
  weights_location: 'models/toy',
  official_weights: 'cache_or_scratch',
  own_weights_help: 'A registered toy model, or a .toy file of your own.',
  official_missing_notice: 'No toy weights here: the toy trains from scratch.',
  fields: [
    'model_arch',
    'pretrained',
    'weights',
    'image_size',
    'epochs',
    'batch_size',
    'augmentation_level',
    'device',
  ],
  field_limits: {},
  defaults: { batch_size: 2 },
  multi_gpu: false,
  augmentation_note: 'Toy augmentation: the toy flips its images and nothing else.',
  export_formats: ['torchscript'],
  export_options: {
    torchscript: { dynamic: false, simplify: false, opset: false, half: false, fixed_size: true },
  },
  model_file: 'best.toy',
  importable_suffixes: [],
  evaluates: false,
  resume_file: 'last.toy',
  checkpoint_note: 'The toy keeps its best weights only.',
  starter_weights: null,
};

const TOY_ARCH: Architecture = {
  name: 'toyseg-s',
  family: 'toyseg',
  family_label: 'ToySeg',
  size: 's',
  size_label: 'small',
  framework: 'toyseg',
  task: 'segment',
  parameters: 1_000,
  gflops: 0.1,
  layers: 3,
  official_weights_available: false,
  image_multiple: 16,
  default_image_size: 256,
  weights_file: 'toyseg-s.toy',
};

const CATALOGUE: ArchitecturesResponse = {
  ...ARCHITECTURES,
  items: [...ARCHITECTURES.items, TOY_ARCH],
  families: [...FAMILIES, TOY],
};

function field(label: string): HTMLInputElement {
  return screen.getByLabelText(label, { selector: 'input,select' });
}

describe('a toy model family from the API metadata', { timeout: 30_000 }, () => {
  beforeEach(() => {
    FakeWebSocket.reset();
    vi.stubGlobal('WebSocket', FakeWebSocket);
    useTrainingStore.getState().clear();
  });

  it('appears in the training form with its own text, weights suffix and fields only', async () => {
    const posted: TrainingSessionCreate[] = [];
    const fetchMock = mockApi({
      'GET /api/v1/training/defaults': () =>
        jsonResponse({ ...DEFAULTS, families: CATALOGUE.families }),
      'GET /api/v1/training/architectures': () => jsonResponse(CATALOGUE),
      'GET /api/v1/datasets': () => jsonResponse({ items: [DATASET] }),
      'GET /api/v1/training/sessions': () => jsonResponse(page([])),
      'POST /api/v1/training/sessions': async (request) => {
        posted.push((await request.clone().json()) as TrainingSessionCreate);
        return jsonResponse(detail(), 201);
      },
      'GET /api/v1/models': () => jsonResponse({ items: [], total: 0, offset: 0, limit: 200 }),
    });
    renderRoute('/training/new');
    await screen.findByRole('button', { name: 'Start training' }, { timeout: 5_000 });
    expect(
      screen.getByText(/Architectures of Ultralytics YOLO, RF-DETR and Toy Seg/),
    ).toBeVisible();

    // The architecture picker: its series, its size, its description and version.
    await userEvent.click(screen.getByRole('radio', { name: 'ToySeg' }));
    expect(screen.getByRole('radio', { name: 'toyseg-s' })).toBeChecked();
    expect(screen.getByTestId('family-description')).toHaveTextContent(
      'Toy Seg 0.0.7: A toy segmentation family that exists only in this test.',
    );

    // Its defaults and its architecture's size; only the fields it uses.
    expect(field('Batch size')).toHaveValue(2);
    expect(field('Image size')).toHaveValue(256);
    expect(field('Epochs')).toBeInTheDocument();
    for (const unused of ['Initial learning rate (lr0)', 'Momentum', 'Optimizer', 'Mosaic']) {
      expect(screen.queryByLabelText(unused, { selector: 'input,select' })).toBeNull();
    }
    expect(screen.getByText(TOY.augmentation_note ?? '')).toBeInTheDocument();

    // Official weights: its file name with its suffix, and its own offline notice and location.
    const weights = screen.getByRole('radiogroup', { name: 'Starting weights' });
    expect(within(weights).getByTestId('official-missing-notice')).toHaveTextContent(
      'No toy weights here: the toy trains from scratch. (models/toy)',
    );
    expect(weights).toHaveTextContent(TOY.own_weights_help);

    // Its own weights: the .toy suffix in the hint and the message; its models are asked for.
    await userEvent.click(screen.getByRole('radio', { name: 'My weights' }));
    expect(await screen.findByPlaceholderText('models/my-cracks/best.toy')).toBeInTheDocument();
    await waitFor(() => {
      const urls = fetchMock.mock.calls.map(([input]) => (input as Request).url);
      expect(urls.some((url) => url.includes('/api/v1/models?framework=toyseg'))).toBe(true);
    });
    await userEvent.click(screen.getByRole('button', { name: 'Start training' }));
    expect(
      await screen.findByText('Enter a model id or a .toy path under models/ or uploads/'),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('radio', { name: 'From scratch' }));
    await userEvent.click(screen.getByRole('button', { name: 'Start training' }));
    await waitFor(() => {
      expect(posted).toHaveLength(1);
    });
    expect(posted[0]).toMatchObject({
      model_arch: 'toyseg-s',
      batch_size: 2,
      image_size: 256,
      pretrained: false,
    });
  });

  it('appears in the export dialog with its one format, at its training size', async () => {
    mockModelsApi({
      'GET /api/v1/training/architectures': () => jsonResponse(CATALOGUE),
      'GET /api/v1/models/export-formats': () => jsonResponse(EXPORT_FORMATS),
    });
    const model = modelDetail({ framework: 'toyseg', model_arch: 'toyseg-s', image_size: 256 });
    render(
      <QueryClientProvider client={createTestQueryClient()}>
        <ExportDialog model={model} open onOpenChange={vi.fn()} />
      </QueryClientProvider>,
    );
    expect(await screen.findByText(/Toy Seg models export to TorchScript only/)).toBeVisible();
    expect(screen.getByTestId('format-torchscript')).toBeInTheDocument();
    for (const other of ['onnx', 'openvino', 'engine']) {
      expect(screen.queryByTestId(`format-${other}`)).toBeNull();
    }
    const size = screen.getByLabelText(/Image size/);
    expect(size).toBeDisabled();
    expect(size).toHaveValue(256);
    expect(screen.getByRole('button', { name: 'Export to TorchScript' })).toBeEnabled();
  });
});
