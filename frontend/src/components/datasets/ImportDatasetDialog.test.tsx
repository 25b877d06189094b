import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { jsonResponse, renderRoute } from '@/test/utils';

import { FakeXhr, makeDataset, makeList, stubApi, type RouteHandler } from './testing';

function zipFile(name = 'cracks.zip', bytes = 4096): File {
  return new File([new Uint8Array(bytes)], name, { type: 'application/zip' });
}

async function openImportDialog(routes: Record<string, RouteHandler> = {}) {
  const api = stubApi({
    'GET /api/v1/datasets': () => jsonResponse(makeList([], 0)),
    'GET /api/v1/settings/roboflow-key': () => jsonResponse({ configured: false }),
    ...routes,
  });
  const user = userEvent.setup({ applyAccept: false });
  renderRoute('/datasets');
  await user.click((await screen.findAllByRole('button', { name: /import dataset/i }))[0]!);
  const dialog = await screen.findByRole('dialog', { name: 'Import a dataset' });
  return { api, user, dialog };
}

describe('import dialog: Roboflow', { timeout: 20_000 }, () => {
  it('shows the API validation errors next to each field', async () => {
    const { api, user, dialog } = await openImportDialog({
      'POST /api/v1/datasets': () =>
        jsonResponse(
          {
            detail: 'Invalid request: workspace: …',
            errors: [
              {
                field: 'workspace',
                message: "String should match pattern '^[A-Za-z0-9][A-Za-z0-9_.\\-]{0,99}$'",
              },
              { field: 'project', message: "String should match pattern '^[A-Za-z0-9]'" },
              { field: 'version', message: 'Input should be greater than or equal to 1' },
              {
                field: 'api_key',
                message: "Value error, must be 4 to 200 letters, digits, '-' or '_'",
              },
            ],
          },
          422,
        ),
    });
    await user.click(within(dialog).getByRole('tab', { name: /from roboflow/i }));
    await user.type(within(dialog).getByLabelText('Workspace'), 'my workspace!');
    const version = within(dialog).getByLabelText('Version');
    await user.clear(version);
    await user.type(version, '0');
    await user.type(within(dialog).getByLabelText('API key'), 'x');
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));

    const workspace = within(dialog).getByLabelText('Workspace');
    await waitFor(() => {
      expect(workspace).toHaveAttribute('aria-invalid', 'true');
    });
    expect(workspace).toHaveAccessibleDescription(
      "Use letters, digits, '.', '-' or '_', as in the Roboflow URL.",
    );
    expect(within(dialog).getByLabelText('Project')).toHaveAccessibleDescription('Required.');
    expect(within(dialog).getByLabelText('Version')).toHaveAccessibleDescription(
      'Input should be greater than or equal to 1',
    );
    expect(within(dialog).getByLabelText('API key')).toHaveAccessibleDescription(
      "Must be 4 to 200 letters, digits, '-' or '_'",
    );
    expect(within(dialog).getByLabelText('Export format')).toHaveAttribute('aria-invalid', 'false');
    expect(api.bodies[0]).toEqual({
      workspace: 'my workspace!',
      project: '',
      version: 0,
      format: 'yolov8',
      api_key: 'x',
      save_api_key: false,
    });
  });

  it('uses a stored key, sends the form and closes when the import starts', async () => {
    const { api, user, dialog } = await openImportDialog({
      'GET /api/v1/settings/roboflow-key': () => jsonResponse({ configured: true }),
      'POST /api/v1/datasets': () =>
        jsonResponse(
          makeDataset({ name: 'bridge-cracks v3', source: 'roboflow', status: 'queued' }),
          202,
        ),
    });
    await user.click(within(dialog).getByRole('tab', { name: /from roboflow/i }));
    expect(await within(dialog).findByText(/a key is stored/i)).toBeInTheDocument();
    await user.type(within(dialog).getByLabelText('Workspace'), 'acme');
    await user.type(within(dialog).getByLabelText('Project'), 'bridge-cracks');
    const version = within(dialog).getByLabelText('Version');
    await user.clear(version);
    await user.type(version, '3');
    await user.selectOptions(within(dialog).getByLabelText('Export format'), 'coco-segmentation');
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));

    await waitFor(() => {
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });
    expect(api.bodies[0]).toEqual({
      workspace: 'acme',
      project: 'bridge-cracks',
      version: 3,
      format: 'coco-segmentation',
      save_api_key: false,
    });
    expect(screen.getByText('Import started')).toBeInTheDocument();
  });

  it('can store a typed key and shows a refusal that concerns no field', async () => {
    const { api, user, dialog } = await openImportDialog({
      'POST /api/v1/datasets': () =>
        jsonResponse({ detail: 'Not enough storage: 12 GB needed, 3 GB free.' }, 507),
    });
    await user.click(within(dialog).getByRole('tab', { name: /from roboflow/i }));
    const store = within(dialog).getByRole('checkbox', { name: /store this key/i });
    expect(store).toBeDisabled();
    await user.type(within(dialog).getByLabelText('Workspace'), 'acme');
    await user.type(within(dialog).getByLabelText('Project'), 'cracks');
    await user.type(within(dialog).getByLabelText('API key'), 'secret-key_123');
    await user.click(store);
    await user.click(within(dialog).getByRole('button', { name: 'Import' }));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('The import could not start');
    expect(alert).toHaveTextContent('Not enough storage: 12 GB needed, 3 GB free.');
    expect(api.bodies[0]).toMatchObject({ api_key: 'secret-key_123', save_api_key: true });
  });
});

describe('import dialog: zip upload', { timeout: 20_000 }, () => {
  beforeEach(() => {
    FakeXhr.install();
  });

  it('uploads with XMLHttpRequest and shows bytes and percent as it goes', async () => {
    const { user, dialog } = await openImportDialog({
      'GET /api/v1/datasets/jobs/job9': () =>
        jsonResponse({
          id: 'job9',
          kind: 'dataset_upload',
          status: 'running',
          progress: 0.2,
          message: null,
          error: null,
          dataset_id: 'ds9',
          dataset_exists: true,
          created_at: '2026-03-02T09:30:00',
          finished_at: null,
        }),
    });
    await user.type(within(dialog).getByLabelText(/^Dataset name/), 'Bridge deck');
    await user.upload(within(dialog).getByLabelText('Choose a dataset zip'), zipFile());

    const xhr = FakeXhr.latest();
    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe('/api/v1/datasets/upload');
    expect(xhr.body).toBeInstanceOf(FormData);
    const form = xhr.body as FormData;
    expect((form.get('file') as File).name).toBe('cracks.zip');
    expect(form.get('name')).toBe('Bridge deck');

    const progress = await within(dialog).findByTestId('upload-progress');
    act(() => {
      xhr.progress(1024, 4096);
    });
    expect(progress).toHaveTextContent('1.0 KB of 4.0 KB · 25%');
    expect(within(progress).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '1024');

    act(() => {
      xhr.respond(
        202,
        makeDataset({ id: 'ds9', name: 'Bridge deck', status: 'queued', job_id: 'job9' }),
      );
    });
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });
    expect(screen.getByText('Upload received')).toBeInTheDocument();
  });

  it('cancels a running upload', async () => {
    const { user, dialog } = await openImportDialog();
    await user.upload(within(dialog).getByLabelText('Choose a dataset zip'), zipFile());
    const xhr = FakeXhr.latest();
    act(() => {
      xhr.progress(2048, 4096);
    });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel upload' }));

    expect(xhr.aborted).toBe(true);
    expect(within(dialog).queryByTestId('upload-progress')).not.toBeInTheDocument();
    expect(within(dialog).getByTestId('dataset-dropzone')).toBeInTheDocument();
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
  });

  it.each([
    [413, 'The zip is too large', 'The upload is 2.1 GB; the limit is 2.0 GB.'],
    [400, 'The zip was refused as unsafe', "Unsafe entry '../../etc/passwd' (path escapes)."],
    [422, 'The dataset layout was not recognised', 'No data.yaml and no COCO annotations.'],
    [507, 'Not enough storage for this dataset', 'Over the quota: 48 GB used of 50 GB.'],
  ])('shows the server message when it refuses the zip (%i)', async (status, title, detail) => {
    const { user, dialog } = await openImportDialog();
    await user.upload(within(dialog).getByLabelText('Choose a dataset zip'), zipFile());
    act(() => {
      FakeXhr.latest().respond(status, { detail });
    });

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent(title);
    expect(alert).toHaveTextContent(detail);
    expect(within(dialog).getByTestId('dataset-dropzone')).toBeInTheDocument();
  });

  it('says when the connection drops during the upload', async () => {
    const { user, dialog } = await openImportDialog();
    await user.upload(within(dialog).getByLabelText('Choose a dataset zip'), zipFile());
    act(() => {
      FakeXhr.latest().dispatchEvent(new Event('error'));
    });
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'the server closed the connection or is unreachable',
    );
  });

  it('refuses a file that is not a zip before uploading', async () => {
    const { user, dialog } = await openImportDialog();
    const text = new File(['hello'], 'notes.txt', { type: 'text/plain' });
    await user.upload(within(dialog).getByLabelText('Choose a dataset zip'), text);
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Only .zip files can be uploaded.',
    );
    expect(FakeXhr.instances).toHaveLength(0);
  });

  it('reports an upload whose extraction failed (the dataset is gone, the job keeps why)', async () => {
    let listCalls = 0;
    const { user, dialog } = await openImportDialog({
      'GET /api/v1/datasets': () => {
        listCalls += 1;
        return jsonResponse(makeList([], 0));
      },
      'GET /api/v1/datasets/jobs/job9': () =>
        jsonResponse({
          id: 'job9',
          kind: 'dataset_upload',
          status: 'failed',
          progress: 0.3,
          message: null,
          error: 'Image train/images/a.jpg is not a JPEG or PNG.',
          dataset_id: 'ds9',
          dataset_exists: false,
          created_at: '2026-03-02T09:30:00',
          finished_at: '2026-03-02T09:30:05',
        }),
    });
    await user.upload(within(dialog).getByLabelText('Choose a dataset zip'), zipFile());
    act(() => {
      FakeXhr.latest().respond(
        202,
        makeDataset({ id: 'ds9', name: 'cracks', status: 'queued', job_id: 'job9' }),
      );
    });

    const page = screen.getByTestId('page-datasets');
    expect(await within(page).findByText('“cracks” was not imported')).toBeInTheDocument();
    expect(within(page).getByText('Image train/images/a.jpg is not a JPEG or PNG.')).toBeVisible();
    expect(listCalls).toBeGreaterThan(1);
  });
});
