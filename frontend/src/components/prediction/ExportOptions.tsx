import { Download } from 'lucide-react';
import { useState } from 'react';

import { Button } from '@/components/common/Button';
import { useExportPredictions } from '@/hooks/usePrediction';
import { errorMessage } from '@/services/errors';
import { EXPORT_FORMATS, type PredictionExportFormat } from '@/services/prediction.service';

interface Props {
  /** The predictions to export (the open one, or every image of the last run). */
  predictionIds: string[];
  /** The viewer's thresholds: the export keeps what the user sees. */
  conf: number;
  iou: number;
}

/** Downloads predictions as JSON, CSV, COCO or a zip of annotated images. */
export function ExportOptions({ predictionIds, conf, iou }: Props) {
  const [format, setFormat] = useState<PredictionExportFormat>('json');
  const exporter = useExportPredictions();
  const count = predictionIds.length;
  return (
    <div data-testid="export-options" className="flex shrink-0 items-center gap-2">
      <label className="text-xs font-medium text-slate-600" htmlFor="export-format">
        Export
      </label>
      <select
        id="export-format"
        aria-label="Export format"
        className="h-8 w-48 rounded-md border border-slate-300 px-2 text-sm"
        value={format}
        onChange={(event) => {
          setFormat(event.target.value as PredictionExportFormat);
        }}
      >
        {EXPORT_FORMATS.map((option) => (
          <option key={option.id} value={option.id}>
            {option.label}
          </option>
        ))}
      </select>
      <Button
        variant="secondary"
        size="sm"
        disabled={count === 0 || exporter.isPending}
        onClick={() => {
          exporter.mutate({
            prediction_ids: predictionIds,
            format,
            conf,
            iou,
            selected_only: true,
          });
        }}
      >
        <Download className="size-4" aria-hidden="true" />
        {exporter.isPending ? 'Exporting…' : `Download${count > 1 ? ` (${count} images)` : ''}`}
      </Button>
      {exporter.isError && (
        <span role="alert" className="text-xs text-red-600">
          {errorMessage(exporter.error)}
        </span>
      )}
    </div>
  );
}
