import { Boxes, Play, ScanSearch } from 'lucide-react';
import { useCallback, useState } from 'react';
import { Link } from 'react-router-dom';

import { Button } from '@/components/common/Button';
import { Card } from '@/components/common/Card';
import { EmptyState } from '@/components/common/EmptyState';
import { Loader } from '@/components/common/Loader';
import { PageHeader } from '@/components/common/PageHeader';
import { BatchProcessor } from '@/components/prediction/BatchProcessor';
import { ImageUploader } from '@/components/prediction/ImageUploader';
import {
  DEFAULT_PARAMETERS,
  toPredictParams,
  type ParameterValues,
} from '@/components/prediction/parameters';
import { PredictionHistory } from '@/components/prediction/PredictionHistory';
import { PredictionParameters } from '@/components/prediction/PredictionParameters';
import { ResultsPanel } from '@/components/prediction/ResultsPanel';
import { useModels } from '@/hooks/useModels';
import { usePredictionResult, useRunPredictions } from '@/hooks/usePrediction';
import { errorMessage } from '@/services/errors';
import type { PredictionResult } from '@/services/prediction.service';
import { usePredictionStore } from '@/store/predictionStore';

function NoModels() {
  return (
    <EmptyState
      icon={Boxes}
      title="No models to predict with"
      description="Prediction needs a trained or imported model. Train one, or import Ultralytics weights on the Models page."
    >
      <Link
        to="/models"
        className="inline-flex h-9 items-center rounded-md bg-sky-600 px-3.5 text-sm font-medium text-white hover:bg-sky-500"
      >
        Go to Models
      </Link>
    </EmptyState>
  );
}

function OpenResult({ id, runIds }: { id: string | null; runIds: string[] }) {
  const result = usePredictionResult(id);
  if (id === null)
    return (
      <EmptyState
        icon={ScanSearch}
        title="No results yet"
        description="Choose photos and run a model: the cracks appear here with masks, boxes and measurements."
      />
    );
  if (result.data !== undefined) return <ResultsPanel result={result.data} runIds={runIds} />;
  if (result.isPending) return <Loader label="Loading the prediction…" />;
  return (
    <p role="alert" className="text-sm text-red-600">
      {errorMessage(result.error)}
    </p>
  );
}

export default function PredictionPage() {
  const models = useModels({});
  const [files, setFiles] = useState<File[]>([]);
  const [url, setUrl] = useState('');
  const [chosen, setValues] = useState<ParameterValues>(DEFAULT_PARAMETERS);
  const [formError, setFormError] = useState<string | null>(null);
  const [activeId, setActiveId] = useState<string | null>(null);
  const [runIds, setRunIds] = useState<string[]>([]);

  const onResult = useCallback((result: PredictionResult) => {
    setRunIds((ids) => [...ids, result.id]);
    setActiveId((current) => current ?? result.id);
  }, []);
  const runner = useRunPredictions(onResult);
  const conf = usePredictionStore((state) => state.conf);

  const modelOptions = models.data?.items ?? [];
  const firstModelId = modelOptions[0]?.id ?? '';
  const values = chosen.modelId === '' ? { ...chosen, modelId: firstModelId } : chosen;

  const run = () => {
    const parsed = toPredictParams(values);
    if (!parsed.ok) {
      setFormError(parsed.error);
      return;
    }
    const trimmedUrl = url.trim();
    if (files.length === 0 && trimmedUrl === '') {
      setFormError('Choose at least one image, or give an image URL.');
      return;
    }
    setFormError(null);
    setRunIds([]);
    setActiveId(null);
    const source =
      files.length > 0
        ? { kind: 'files' as const, files }
        : { kind: 'url' as const, url: trimmedUrl };
    const { conf, iou } = usePredictionStore.getState();
    void runner.run(source, { ...parsed.params, conf, iou });
  };

  return (
    <section data-testid="page-prediction">
      <PageHeader
        title="Prediction"
        description="Detect and measure cracks in photos with a trained model."
      />
      {models.isPending && <Loader label="Loading models…" />}
      {models.isError && (
        <p role="alert" className="text-sm text-red-600">
          {errorMessage(models.error)}
        </p>
      )}
      {models.isSuccess && modelOptions.length === 0 && <NoModels />}
      {models.isSuccess && modelOptions.length > 0 && (
        <div className="grid gap-6 xl:grid-cols-[22rem_minmax(0,1fr)]">
          <div className="space-y-6">
            <Card title="Images">
              <ImageUploader
                files={files}
                onFilesChange={setFiles}
                url={url}
                onUrlChange={setUrl}
                disabled={runner.running}
              />
            </Card>
            <Card title="Parameters">
              <div className="space-y-4">
                <PredictionParameters
                  values={values}
                  onChange={setValues}
                  models={modelOptions}
                  disabled={runner.running}
                />
                {formError !== null && (
                  <p role="alert" className="text-sm text-red-600">
                    {formError}
                  </p>
                )}
                <div className="flex gap-2">
                  <Button className="flex-1" disabled={runner.running} onClick={run}>
                    <Play className="size-4" aria-hidden="true" />
                    {runner.running ? 'Running…' : 'Run'}
                  </Button>
                  {runner.running && (
                    <Button variant="secondary" onClick={runner.cancel}>
                      Stop
                    </Button>
                  )}
                </div>
                <BatchProcessor items={runner.items} activeId={activeId} onOpen={setActiveId} />
              </div>
            </Card>
            <Card title="History" description="Reopen a past prediction to review or export it.">
              <PredictionHistory activeId={activeId} onOpen={setActiveId} confidence={conf} />
            </Card>
          </div>
          <OpenResult id={activeId} runIds={runIds} />
        </div>
      )}
    </section>
  );
}
