import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { fakeXhr, importJob, MODEL_ID, mockApi } from '@/pages/Models/testing/fixtures';
import { createTestQueryClient, jsonResponse } from '@/test/utils';

import { ImportModelDialog } from './ImportModelDialog';

function renderDialog(onImported = vi.fn()) {
  render(
    <QueryClientProvider client={createTestQueryClient()}>
      <ImportModelDialog open onOpenChange={vi.fn()} onImported={onImported} />
    </QueryClientProvider>,
  );
  return onImported;
}

function dropZoneInput(): HTMLInputElement {
  return screen.getByTestId('model-dropzone').querySelector<HTMLInputElement>('input[type=file]')!;
}

const weights = () => new File([new Uint8Array([80, 75, 3, 4])], 'best.pt');

describe('ImportModelDialog', () => {
  it('uploads the file, follows the check and shows why it was refused', async () => {
    const { sent } = fakeXhr(202, importJob());
    mockApi({
      'GET /api/v1/models/imports/job-import': () =>
        jsonResponse(
          importJob({
            status: 'failed',
            error:
              "Task 'classify' is not supported: import a segmentation or detection model (task segment or detect).",
            finished_at: '2026-11-26T10:00:02Z',
          }),
        ),
    });
    const onImported = renderDialog();
    await userEvent.type(screen.getByLabelText(/Model name/), 'My classifier');
    await userEvent.upload(dropZoneInput(), weights());

    const refusal = await screen.findByTestId('import-refusal');
    expect(refusal).toHaveTextContent('best.pt was refused');
    expect(refusal).toHaveTextContent("Task 'classify' is not supported");
    expect(onImported).not.toHaveBeenCalled();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.get('name')).toBe('My classifier');
    expect((sent[0]!.get('file') as File).name).toBe('best.pt');

    await userEvent.click(within(refusal).getByRole('button', { name: 'Choose another file' }));
    expect(screen.queryByTestId('import-refusal')).not.toBeInTheDocument();
  });

  it('shows the server reason when the upload itself is refused', async () => {
    fakeXhr(415, { detail: "'notes.pt' is not a .pt file: upload Ultralytics weights." });
    mockApi({});
    renderDialog();
    await userEvent.upload(dropZoneInput(), weights());
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('best.pt was not uploaded');
    expect(alert).toHaveTextContent('is not a .pt file: upload Ultralytics weights.');
  });

  it('reports the registered model once the worker accepted it', async () => {
    fakeXhr(202, importJob());
    mockApi({
      'GET /api/v1/models/imports/job-import': [
        () => jsonResponse(importJob({ status: 'running', progress: 0.5, message: 'Loading' })),
        () => jsonResponse(importJob({ status: 'completed', progress: 1, model_id: MODEL_ID })),
      ],
    });
    const onImported = renderDialog();
    await userEvent.upload(dropZoneInput(), weights());
    expect(await screen.findByText(/Loading/)).toBeInTheDocument();
    await waitFor(
      () => {
        expect(onImported).toHaveBeenCalledWith(expect.objectContaining({ model_id: MODEL_ID }));
      },
      { timeout: 4_000 },
    );
  });

  it('refuses a file that is not a .pt before uploading', async () => {
    const { sent } = fakeXhr(202, importJob());
    mockApi({});
    renderDialog();
    await userEvent.upload(
      dropZoneInput(),
      new File(['x'], 'dataset.zip', { type: 'application/zip' }),
      {
        applyAccept: false,
      },
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(/Only Ultralytics weights/);
    expect(sent).toHaveLength(0);
  });
});
