import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import type { ExportFormatInfo, ExportFormatList, ExportRequest } from '@/services/models.service';
import {
  detail,
  EXPORT_FORMATS,
  exportOut,
  job,
  MODEL_ID,
  mockApi,
} from '@/pages/Models/testing/fixtures';
import { createTestQueryClient, jsonResponse } from '@/test/utils';

import { ExportDialog } from './ExportDialog';

/** The catalogue as the API lists it: ONNX for both frameworks (RF-DETR: opset only), the rest YOLO. */
const FORMATS: ExportFormatList = {
  ...EXPORT_FORMATS,
  formats: EXPORT_FORMATS.formats.map((format): ExportFormatInfo =>
    format.name === 'onnx'
      ? {
          ...format,
          frameworks: ['ultralytics', 'rfdetr'],
          framework_options: {
            rfdetr: { dynamic: false, simplify: false, opset: true, half: false },
          },
        }
      : { ...format, frameworks: ['ultralytics'], framework_options: {} },
  ),
};

function renderDialog(framework: string) {
  const posted: ExportRequest[] = [];
  mockApi({
    'GET /api/v1/models/export-formats': () => jsonResponse(FORMATS),
    [`POST /api/v1/models/${MODEL_ID}/export`]: async (request) => {
      posted.push((await request.clone().json()) as ExportRequest);
      return jsonResponse(exportOut({ status: 'queued', job_id: 'job-export' }), 202);
    },
    'GET /api/v1/jobs/job-export': () => jsonResponse(job({ id: 'job-export', status: 'running' })),
  });
  const model = detail({ framework, image_size: 312, model_arch: 'rfdetr-seg-nano' });
  render(
    <QueryClientProvider client={createTestQueryClient()}>
      <ExportDialog model={model} open onOpenChange={vi.fn()} />
    </QueryClientProvider>,
  );
  return posted;
}

describe('ExportDialog', () => {
  it('offers an RF-DETR model only ONNX, at its training size, with the options it takes', async () => {
    const posted = renderDialog('rfdetr');
    expect(await screen.findByTestId('format-onnx')).toBeInTheDocument();
    expect(screen.queryByTestId('format-torchscript')).not.toBeInTheDocument();
    expect(screen.queryByTestId('format-engine')).not.toBeInTheDocument();
    expect(screen.getByText(/RF-DETR models export to ONNX only/)).toBeInTheDocument();
    const size = screen.getByLabelText(/Image size/);
    expect(size).toBeDisabled();
    expect(size).toHaveValue(312);
    expect(screen.getByRole('checkbox', { name: /FP16/ })).toBeDisabled();
    expect(screen.getByRole('checkbox', { name: /Dynamic input shapes/ })).toBeDisabled();

    await userEvent.click(screen.getByRole('button', { name: 'Export to ONNX' }));
    await waitFor(() => {
      expect(posted).toHaveLength(1);
    });
    expect(posted[0]).toEqual({ format: 'onnx', half: false, dynamic: false, simplify: true });
  });

  it('keeps every format and option for an Ultralytics model', async () => {
    renderDialog('ultralytics');
    expect(await screen.findByTestId('format-torchscript')).toBeInTheDocument();
    expect(screen.getByTestId('format-engine')).toBeInTheDocument();
    expect(screen.getByLabelText(/Image size/)).toBeEnabled();
    expect(screen.getByRole('checkbox', { name: /Dynamic input shapes/ })).toBeEnabled();
  });
});
