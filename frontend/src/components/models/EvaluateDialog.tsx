import { useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';

import { Button } from '@/components/common/Button';
import { Loader } from '@/components/common/Loader';
import { isJobRunning, useJob } from '@/hooks/useJob';
import { modelKeys, useReadyDatasets, useStartEvaluation } from '@/hooks/useModels';
import {
  EVALUATION_DEFAULTS,
  SPLIT_NAMES,
  type Dataset,
  type EvaluateRequest,
  type EvaluationOut,
  type ModelDetail,
  type SplitName,
} from '@/services/models.service';
import { errorReason } from '@/services/errors';

import { Dialog } from './Dialog';
import { FormField } from '@/components/common/FormField';
import { formatMetric, metricLabel, orderedMetricKeys, splitLabel } from './format';
import { JobProgress } from './JobProgress';
import { Callout } from '@/components/common/Callout';

export interface EvaluateDialogProps {
  model: ModelDetail;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

export function EvaluateDialog({ model, open, onOpenChange }: EvaluateDialogProps) {
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title="Evaluate model"
      description="Validate the model on a dataset split: box and mask precision, recall and mAP."
    >
      {open && <EvaluatePanel model={model} />}
    </Dialog>
  );
}

function EvaluatePanel({ model }: { model: ModelDetail }) {
  const [started, setStarted] = useState<EvaluationOut | null>(null);
  if (started !== null) {
    return (
      <EvaluationProgress
        model={model}
        started={started}
        onAnother={() => {
          setStarted(null);
        }}
      />
    );
  }
  return <EvaluateForm model={model} onStarted={setStarted} />;
}

function splitsOf(dataset: Dataset | undefined): SplitName[] {
  if (dataset === undefined) return [];
  return SPLIT_NAMES.filter((split) => (dataset.splits[split]?.images ?? 0) > 0);
}

function mismatch(dataset: Dataset, model: ModelDetail): string | null {
  if (dataset.class_names.length === model.num_classes) return null;
  return `${dataset.class_names.length} classes; the model has ${model.num_classes}`;
}

function EvaluateForm({
  model,
  onStarted,
}: {
  model: ModelDetail;
  onStarted: (evaluation: EvaluationOut) => void;
}) {
  const datasets = useReadyDatasets(true);
  const start = useStartEvaluation(model.id);
  const [datasetId, setDatasetId] = useState<string>('');
  const [split, setSplit] = useState<SplitName | ''>('');

  if (datasets.isPending) return <Loader label="Loading datasets…" />;
  if (datasets.isError) {
    return (
      <Callout tone="error">Could not load the datasets: {errorReason(datasets.error)}</Callout>
    );
  }
  const usable = datasets.data.filter((item) => mismatch(item, model) === null);
  if (datasets.data.length === 0) {
    return (
      <Callout tone="info">
        No dataset is ready. Import a dataset on the Datasets page first.
      </Callout>
    );
  }
  const preferred = usable.find((item) => item.id === model.dataset_id) ?? usable[0];
  const dataset = datasets.data.find((item) => item.id === datasetId) ?? preferred;
  const splits = splitsOf(dataset);
  const chosenSplit = split !== '' && splits.includes(split) ? split : splits[0];
  const problem = dataset === undefined ? null : mismatch(dataset, model);

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (dataset === undefined || chosenSplit === undefined || problem !== null) return;
    const body: EvaluateRequest = {
      ...EVALUATION_DEFAULTS,
      dataset_id: dataset.id,
      split: chosenSplit,
    };
    start.mutate(body, { onSuccess: onStarted });
  };

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="Evaluation settings">
      <FormField
        label="Dataset"
        error={problem ?? undefined}
        hint={usable.length === 0 ? 'No ready dataset has the same number of classes.' : undefined}
      >
        {(control) => (
          <select
            {...control}
            value={dataset?.id ?? ''}
            onChange={(event) => {
              setDatasetId(event.target.value);
              setSplit('');
            }}
          >
            {datasets.data.map((item) => {
              const reason = mismatch(item, model);
              return (
                <option key={item.id} value={item.id} disabled={reason !== null}>
                  {item.name}
                  {item.id === model.dataset_id ? ' (trained on)' : ''}
                  {reason === null ? '' : ` (${reason})`}
                </option>
              );
            })}
          </select>
        )}
      </FormField>
      <FormField
        label="Split"
        hint={splits.length === 0 ? 'This dataset has no images to evaluate on.' : undefined}
      >
        {(control) => (
          <select
            {...control}
            value={chosenSplit ?? ''}
            disabled={splits.length === 0}
            onChange={(event) => {
              setSplit(event.target.value as SplitName);
            }}
          >
            {splits.map((name) => (
              <option key={name} value={name}>
                {splitLabel(name)} ({dataset?.splits[name]?.images ?? 0} images)
              </option>
            ))}
          </select>
        )}
      </FormField>
      {start.isError && (
        <Callout tone="error" title="The evaluation was not started">
          {errorReason(start.error)}
        </Callout>
      )}
      <div className="flex justify-end border-t border-slate-100 pt-4">
        <Button
          type="submit"
          disabled={
            dataset === undefined ||
            chosenSplit === undefined ||
            problem !== null ||
            start.isPending
          }
        >
          {start.isPending ? 'Starting…' : 'Evaluate'}
        </Button>
      </div>
    </form>
  );
}

function EvaluationProgress({
  model,
  started,
  onAnother,
}: {
  model: ModelDetail;
  started: EvaluationOut;
  onAnother: () => void;
}) {
  const queryClient = useQueryClient();
  const job = useJob(started.job_id, {
    onFinished: () => {
      void queryClient.invalidateQueries({ queryKey: modelKeys.detail(model.id) });
    },
  });
  const current = job.data;
  const finished = current !== undefined && !isJobRunning(current.status);
  const result = model.evaluations.find((item) => item.id === started.id);
  const label = `Evaluate on ${started.dataset_name} · ${splitLabel(started.split)}`;
  return (
    <div className="space-y-4" data-testid="evaluation-progress">
      <JobProgress label={label} job={current} />
      {finished && current.status !== 'completed' && (
        <Callout tone="error" title="The evaluation failed">
          {current.error ?? `The job ended: ${current.status}.`}
        </Callout>
      )}
      {finished && result?.status === 'completed' && (
        <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm" aria-label="Evaluation results">
          {orderedMetricKeys(result.metrics).map((key) => (
            <div key={key} className="flex justify-between gap-2">
              <dt className="text-slate-500">{metricLabel(key)}</dt>
              <dd className="font-medium text-slate-900 tabular-nums">
                {formatMetric(result.metrics[key])}
              </dd>
            </div>
          ))}
        </dl>
      )}
      {finished && (
        <div className="flex justify-end">
          <Button variant="secondary" size="sm" onClick={onAnother}>
            Evaluate on another split
          </Button>
        </div>
      )}
    </div>
  );
}
