import { DatabaseZap } from 'lucide-react';
import { useState, type SubmitEvent } from 'react';
import { Link } from 'react-router-dom';

import { Button } from '@/components/common/Button';
import { Modal } from '@/components/common/Modal';
import { useAddPredictionsToDataset } from '@/hooks/useAnnotations';
import { useDatasets } from '@/hooks/useDatasets';
import type { FromPredictionsRequest } from '@/services/annotations.service';
import { SPLIT_NAMES, type SplitName } from '@/services/datasets.service';
import { errorMessage } from '@/services/errors';

const MAX_NAME_LENGTH = 200;

interface Props {
  /** The predictions to take in (the open one, a batch, or those chosen in the history). */
  predictionIds: string[];
  /** The viewer's confidence threshold: the dialog starts from what the user sees. */
  confidence: number;
  label?: string;
}

/** "Add to dataset": predictions become unreviewed pre-labels in a new or existing dataset. */
export function AddToDatasetButton({ predictionIds, confidence, label = 'Add to dataset' }: Props) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        variant="secondary"
        size="sm"
        disabled={predictionIds.length === 0}
        onClick={() => {
          setOpen(true);
        }}
      >
        <DatabaseZap className="size-4" aria-hidden="true" />
        {label}
      </Button>
      {open && (
        <AddToDatasetDialog
          predictionIds={predictionIds}
          confidence={confidence}
          onClose={() => {
            setOpen(false);
          }}
        />
      )}
    </>
  );
}

function AddToDatasetDialog({
  predictionIds,
  confidence: initialConfidence,
  onClose,
}: Props & { onClose: () => void }) {
  const datasets = useDatasets();
  const add = useAddPredictionsToDataset();
  const [confidence, setConfidence] = useState(initialConfidence);
  const [target, setTarget] = useState<'new' | 'existing'>('new');
  const [newName, setNewName] = useState('');
  const [datasetId, setDatasetId] = useState('');
  const [split, setSplit] = useState<SplitName>('train');
  const [formError, setFormError] = useState<string | null>(null);
  const ready = (datasets.data?.items ?? []).filter((item) => item.status === 'ready');
  const chosenId = datasetId === '' ? (ready[0]?.id ?? '') : datasetId;
  const count = predictionIds.length;

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const request: FromPredictionsRequest = { prediction_ids: predictionIds, confidence, split };
    if (target === 'new') {
      if (newName.trim() === '') {
        setFormError('Give the new dataset a name.');
        return;
      }
      request.new_name = newName.trim();
    } else {
      if (chosenId === '') {
        setFormError('Choose a dataset.');
        return;
      }
      request.dataset_id = chosenId;
    }
    setFormError(null);
    add.mutate(request);
  };

  return (
    <Modal
      open
      onOpenChange={(value) => {
        if (!value) onClose();
      }}
      title="Add to dataset"
      description={`${count} prediction${count === 1 ? '' : 's'}: the images with their masks become unreviewed pre-labels to correct in the review queue.`}
    >
      {add.isSuccess ? (
        <div className="space-y-3 text-sm" data-testid="add-to-dataset-result">
          <p className="text-slate-700">
            Added {add.data.images_added} image{add.data.images_added === 1 ? '' : 's'}
            {add.data.images_merged > 0 &&
              ` (${add.data.images_merged} already there, merged)`}{' '}
            with {add.data.instances_added} instance{add.data.instances_added === 1 ? '' : 's'}.
          </p>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={onClose}>
              Close
            </Button>
            <Link
              to={`/datasets/${add.data.dataset_id}/review`}
              className="inline-flex h-9 items-center rounded-md bg-sky-600 px-3.5 text-sm font-medium text-white hover:bg-sky-500"
            >
              Open the review queue
            </Link>
          </div>
        </div>
      ) : (
        <form className="space-y-4 text-sm" onSubmit={submit}>
          <label className="block">
            <span className="font-medium text-slate-700">
              Confidence threshold: {confidence.toFixed(2)}
            </span>
            <input
              type="range"
              min={0}
              max={1}
              step={0.01}
              value={confidence}
              aria-label="Confidence threshold"
              className="mt-1 w-full"
              onChange={(event) => {
                setConfidence(Number(event.target.value));
              }}
            />
            <span className="text-xs text-slate-500">Masks scoring lower are left out.</span>
          </label>
          <fieldset className="space-y-2">
            <legend className="font-medium text-slate-700">Dataset</legend>
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="target"
                checked={target === 'new'}
                onChange={() => {
                  setTarget('new');
                }}
              />
              A new dataset
            </label>
            {target === 'new' && (
              <input
                aria-label="New dataset name"
                className="h-9 w-full rounded-md border border-slate-300 px-3"
                maxLength={MAX_NAME_LENGTH}
                value={newName}
                placeholder="e.g. Bridge deck pre-labels"
                onChange={(event) => {
                  setNewName(event.target.value);
                }}
              />
            )}
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="target"
                checked={target === 'existing'}
                disabled={ready.length === 0}
                onChange={() => {
                  setTarget('existing');
                }}
              />
              An existing dataset
            </label>
            {target === 'existing' && (
              <select
                aria-label="Existing dataset"
                className="h-9 w-full rounded-md border border-slate-300 px-2"
                value={chosenId}
                onChange={(event) => {
                  setDatasetId(event.target.value);
                }}
              >
                {ready.map((item) => (
                  <option key={item.id} value={item.id}>
                    {item.name}
                  </option>
                ))}
              </select>
            )}
          </fieldset>
          <label className="flex items-center gap-2">
            <span className="font-medium text-slate-700">Split</span>
            <select
              aria-label="Split"
              className="h-9 rounded-md border border-slate-300 px-2"
              value={split}
              onChange={(event) => {
                setSplit(event.target.value as SplitName);
              }}
            >
              {SPLIT_NAMES.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          {(formError !== null || add.isError) && (
            <p role="alert" className="text-red-600">
              {formError ?? errorMessage(add.error)}
            </p>
          )}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={add.isPending}>
              {add.isPending ? 'Adding…' : 'Add'}
            </Button>
          </div>
        </form>
      )}
    </Modal>
  );
}
