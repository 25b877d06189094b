import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import {
  makeDataset,
  makeDetail,
  makeImagePage,
  makeList,
  makeReport,
  makeStats,
  stubApi,
  type RouteHandler,
} from '@/components/datasets/testing';
import { jsonResponse, renderRoute } from '@/test/utils';

const TOTAL_IMAGES = 40;

function detailRoutes(overrides: Record<string, RouteHandler> = {}): Record<string, RouteHandler> {
  return {
    'GET /api/v1/datasets/ds1': () => jsonResponse(makeDetail()),
    'GET /api/v1/datasets/ds1/stats': () => jsonResponse(makeStats()),
    'GET /api/v1/datasets/ds1/images': (_request, url) => {
      const split = url.searchParams.get('split');
      const total = split === 'val' ? 6 : TOTAL_IMAGES;
      return jsonResponse(makeImagePage(url, total));
    },
    'GET /api/v1/datasets': () => jsonResponse(makeList([makeDataset()])),
    ...overrides,
  };
}

async function openDetail(overrides: Record<string, RouteHandler> = {}) {
  const api = stubApi(detailRoutes(overrides));
  const user = userEvent.setup();
  const view = renderRoute('/datasets/ds1');
  await screen.findByRole('heading', { level: 1, name: 'Concrete cracks' });
  return { api, user, ...view };
}

describe('dataset detail page', { timeout: 20_000 }, () => {
  it('shows the header, the split statistics and the class histogram', async () => {
    await openDetail();
    const page = screen.getByTestId('page-dataset-detail');
    expect(within(page).getByText('Ready')).toBeInTheDocument();
    expect(within(page).getByText(/Zip upload · YOLO-seg/)).toBeInTheDocument();
    expect(within(page).getByText('cracks.zip')).toBeInTheDocument();

    const summary = within(page).getByLabelText('Dataset summary');
    expect(summary).toHaveTextContent('Images40');
    expect(summary).toHaveTextContent('Instances68');
    expect(summary).toHaveTextContent('3 warnings');

    const table = await within(page).findByRole('table', { name: 'Split statistics' });
    const cells = within(table)
      .getAllByRole('row')
      .map((row) => Array.from(row.children, (cell) => cell.textContent));
    const sizes = '320 × 240 – 640 × 480';
    expect(cells).toEqual([
      [
        'Split',
        'Images',
        'Labelled',
        'Background',
        'Unlabelled',
        'Instances',
        'Image size (px)',
        'Disk',
      ],
      ['Train', '30', '29', '2', '1', '52', sizes, '1.1 MB'],
      ['Validation', '6', '5', '2', '1', '9', sizes, '234 KB'],
      ['Test', '4', '3', '2', '1', '7', sizes, '156 KB'],
      ['Total', '40', '39', '2', '3', '68', sizes, '1.5 MB'],
    ]);

    const histogram = within(page).getByRole('table', { name: 'Instances per class and split' });
    expect(within(histogram).getByRole('row', { name: /crack/ })).toHaveTextContent('crack5297');
  });

  it('switches the histogram to images per class', async () => {
    const { user } = await openDetail();
    await screen.findByRole('table', { name: 'Instances per class and split' });
    await user.click(screen.getByRole('button', { name: 'Images with class' }));
    const histogram = screen.getByRole('table', { name: 'Images with class per class and split' });
    expect(within(histogram).getByRole('row', { name: /crack/ })).toHaveTextContent('crack2842');
  });

  it('pages through the thumbnails, filters by split and toggles the masks', async () => {
    const { api, user } = await openDetail();
    const grid = await screen.findByRole('list', { name: 'Dataset images' });
    expect(within(grid).getAllByTestId('dataset-image')).toHaveLength(24);
    const first = within(grid).getAllByRole('img')[0]!;
    expect(first).toHaveAttribute('src', '/api/v1/datasets/ds1/images/train-0/thumbnail?size=256');
    expect(first).toHaveAttribute('alt', 'train_000.jpg');
    expect(grid.querySelectorAll('[data-testid="mask-overlay"] polygon')).toHaveLength(24);
    expect(grid.querySelector('polygon')).toHaveAttribute('points', '0.1,0.1 0.5,0.2 0.4,0.6');
    expect(screen.getByText('1–24 of 40')).toBeInTheDocument();
    expect(screen.getByText('Page 1 of 2')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Previous page' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('25–40 of 40')).toBeInTheDocument();
    await waitFor(() => {
      expect(screen.getAllByTestId('dataset-image')).toHaveLength(16);
    });
    expect(api.calls).toContain('GET /api/v1/datasets/ds1/images?offset=24&limit=24');
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: /^Validation 6/ }));
    expect(await screen.findByText('1–6 of 6')).toBeInTheDocument();
    expect(api.calls).toContain('GET /api/v1/datasets/ds1/images?offset=0&limit=24&split=val');
    await waitFor(() => {
      expect(screen.getAllByTestId('dataset-image')).toHaveLength(6);
    });
    expect(screen.getByRole('button', { name: /^Validation 6/ })).toHaveAttribute(
      'aria-pressed',
      'true',
    );

    const masks = screen.getByRole('switch', { name: 'Show masks' });
    expect(masks).toBeChecked();
    await user.click(masks);
    expect(masks).not.toBeChecked();
    expect(screen.queryAllByTestId('mask-overlay')).toHaveLength(0);
  });

  it('opens an image larger with its details', async () => {
    const { user } = await openDetail();
    await user.click(await screen.findByRole('button', { name: 'Open train_003.jpg' }));
    const dialog = await screen.findByRole('dialog', { name: 'train_003.jpg' });
    expect(dialog).toHaveTextContent('Train · 640 × 480 px · 39.1 KB · 1 instance');
    expect(within(dialog).getByRole('img')).toHaveAttribute(
      'src',
      '/api/v1/datasets/ds1/images/train-3/thumbnail?size=1024',
    );
    expect(within(dialog).getByRole('link', { name: 'Open the original image' })).toHaveAttribute(
      'href',
      '/api/v1/datasets/ds1/images/train-3/file',
    );
  });

  it('shows the validation report grouped by rule and re-validates', async () => {
    let validated = false;
    const { api, user } = await openDetail({
      'GET /api/v1/datasets/ds1': () =>
        jsonResponse(
          validated
            ? makeDetail({
                validation_status: 'passed',
                validation: makeReport({
                  status: 'passed',
                  warning_count: 0,
                  issues: [],
                }),
              })
            : makeDetail(),
        ),
      'POST /api/v1/datasets/ds1/validate': () => {
        validated = true;
        return jsonResponse(makeReport({ status: 'passed', warning_count: 0, issues: [] }));
      },
    });
    const report = screen.getByTestId('validation-report');
    expect(report).toHaveTextContent('0 errors');
    expect(report).toHaveTextContent('3 warnings');
    const rules = within(report).getAllByTestId('validation-rule');
    expect(rules.map((rule) => rule.dataset.rule)).toEqual([
      'image_without_label',
      'duplicate_image',
    ]);
    const missing = within(rules[0]!);
    expect(missing.getByText('Images without labels')).toBeInTheDocument();
    expect(missing.getByText('3 warnings')).toBeInTheDocument();
    expect(missing.getByText('1 image has no label file')).toBeInTheDocument();
    expect(missing.getByText('2 images have no label file')).toBeInTheDocument();
    expect(missing.getByText('val/img_102.jpg')).toBeInTheDocument();
    expect(within(rules[1]!).getByText('train/a.jpg = val/b.jpg')).toBeInTheDocument();

    await user.click(within(report).getByRole('button', { name: 'Re-validate' }));
    expect(
      await within(report).findByText('Every image and label passed all checks.'),
    ).toBeInTheDocument();
    expect(api.calls).toContain('POST /api/v1/datasets/ds1/validate');
  });

  it('explains a 409 when deleting and deletes with force, then returns to the list', async () => {
    const { api, user, router } = await openDetail({
      'DELETE /api/v1/datasets/ds1': (_request, url) =>
        url.searchParams.get('force') === 'true'
          ? jsonResponse({ id: 'ds1', freed_bytes: 3145728, detached_training_sessions: 1 })
          : jsonResponse(
              { detail: "Dataset 'Concrete cracks' is used by 1 training session(s) ('run-7')." },
              409,
            ),
    });
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete dataset' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete dataset' }));
    expect(await within(dialog).findByRole('status')).toHaveTextContent(
      'This dataset is used by a training session',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Delete anyway' }));

    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/datasets');
    });
    expect(api.calls).toContain('DELETE /api/v1/datasets/ds1?force=true');
    expect(await screen.findByText('3.0 MB freed', { exact: false })).toBeInTheDocument();
  });

  it('shows why a forced delete was still refused', async () => {
    const { user } = await openDetail({
      'DELETE /api/v1/datasets/ds1': () =>
        jsonResponse(
          { detail: "Dataset 'Concrete cracks' is used by 1 queued or running training session." },
          409,
        ),
    });
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete dataset' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete dataset' }));
    await user.click(await within(dialog).findByRole('button', { name: 'Delete anyway' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('The dataset was not deleted');
    expect(alert).toHaveTextContent('queued or running training session');
  });

  it('creates a contrast-enhanced copy and opens it', async () => {
    const { api, user, router } = await openDetail({
      'POST /api/v1/datasets/ds1/enhance': () =>
        jsonResponse(
          makeDataset({
            id: 'ds2',
            name: 'Concrete cracks (CLAHE 3/8)',
            source: 'derived',
            status: 'queued',
            parent_id: 'ds1',
          }),
          202,
        ),
      'GET /api/v1/datasets/ds2': () =>
        jsonResponse(
          makeDetail({
            id: 'ds2',
            name: 'Concrete cracks (CLAHE 3/8)',
            source: 'derived',
            status: 'processing',
            progress: 0.5,
            message: 'Enhancing 20 of 40 images',
            parent_id: 'ds1',
            validation: null,
            validation_status: null,
          }),
        ),
    });
    await user.click(screen.getByRole('button', { name: 'Enhance contrast (CLAHE)' }));
    const dialog = await screen.findByRole('dialog', { name: 'Enhance contrast (CLAHE)' });
    const clip = within(dialog).getByLabelText('Clip limit');
    await user.clear(clip);
    await user.type(clip, '3');
    await user.click(within(dialog).getByRole('button', { name: 'Create enhanced copy' }));

    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/datasets/ds2');
    });
    expect(api.bodies).toContainEqual({ clip_limit: 3, tile_grid_size: 8 });
    expect(
      await screen.findByRole(
        'heading',
        { level: 1, name: 'Concrete cracks (CLAHE 3/8)' },
        { timeout: 4000 },
      ),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Enhancing 20 of 40 images', {}, { timeout: 4000 }),
    ).toBeInTheDocument();
    expect(screen.getByRole('progressbar', { name: 'Import progress' })).toHaveAttribute(
      'aria-valuenow',
      '0.5',
    );
    expect(screen.getByRole('link', { name: 'the original dataset' })).toHaveAttribute(
      'href',
      '/datasets/ds1',
    );
  });

  it('says when the dataset does not exist', async () => {
    stubApi({
      'GET /api/v1/datasets/nope': () =>
        jsonResponse({ detail: "No dataset with id 'nope'." }, 404),
    });
    renderRoute('/datasets/nope');
    expect(await screen.findByRole('heading', { name: 'Dataset not found' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Dataset');
  });
});
