import { useMemo } from 'react';

import { Card } from '@/components/common/Card';
import type { PredictionResult } from '@/services/prediction.service';
import { usePredictionStore } from '@/store/predictionStore';

import { AddToDatasetButton } from './AddToDatasetDialog';
import { CrackTable, ImageSummaryBar } from './CrackTable';
import { ExportOptions } from './ExportOptions';
import { filterInstances, summarize } from './filtering';
import { ResultsViewer } from './ResultsViewer';

interface Props {
  result: PredictionResult;
  /** Every prediction of the last run, for a batch export. */
  runIds: string[];
}

/** Viewer, summary, crack table and export for one prediction, filtered by the sliders. */
export function ResultsPanel({ result, runIds }: Props) {
  const conf = usePredictionStore((state) => state.conf);
  const iou = usePredictionStore((state) => state.iou);
  const visible = useMemo(
    () => filterInstances(result.instances, conf, iou),
    [result.instances, conf, iou],
  );
  const summary = useMemo(() => summarize(visible), [visible]);
  const hasMm = result.params.mm_per_px != null;
  const exportIds = runIds.includes(result.id) && runIds.length > 1 ? runIds : [result.id];

  return (
    <div data-testid="results-panel" className="space-y-6">
      <Card
        title={result.image_name}
        description={`${result.model_name ?? 'Deleted model'} · ${new Date(result.created_at).toLocaleString()}`}
        actions={
          <div className="flex flex-wrap items-center justify-end gap-2">
            <ExportOptions predictionIds={exportIds} conf={conf} iou={iou} />
            <AddToDatasetButton
              predictionIds={exportIds}
              confidence={conf}
              label={exportIds.length > 1 ? `Add ${exportIds.length} to dataset` : 'Add to dataset'}
            />
          </div>
        }
      >
        <ResultsViewer result={result} visible={visible} />
      </Card>
      <Card
        title="Cracks"
        description={
          hasMm
            ? `Scale ${String(result.params.mm_per_px)} mm/px; severity from width (narrow < ${result.severity_bands.narrow_max_mm} mm, wide > ${result.severity_bands.moderate_max_mm} mm)`
            : 'Enter a scale (mm per px) before running to get millimetres and severity.'
        }
      >
        <div className="space-y-4">
          <ImageSummaryBar summary={summary} hasMm={hasMm} />
          <CrackTable instances={visible} hasMm={hasMm} />
        </div>
      </Card>
    </div>
  );
}
