import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';

import { Button } from '@/components/common/Button';
import { Callout } from '@/components/common/Callout';
import { FormField, INPUT_CLASSES } from '@/components/common/FormField';
import { useModels } from '@/hooks/useModels';
import { errorMessage } from '@/services/errors';
import { addPredictions, uploadPhotos, type AddedImages } from '@/services/inspections.service';
import { fetchPredictions } from '@/services/prediction.service';

export interface AddImagesProps {
  inspectionId: string;
  onAdded: (added: AddedImages) => void;
}

/** Photos into the inspection: uploaded and predicted now, or saved predictions picked by name. */
export function AddImages({ inspectionId, onAdded }: AddImagesProps) {
  const models = useModels({});
  const history = useQuery({
    queryKey: ['predictions', 'recent-for-inspection'],
    queryFn: ({ signal }) => fetchPredictions(100, signal),
  });
  const [files, setFiles] = useState<File[]>([]);
  const [modelId, setModelId] = useState('');
  const [label, setLabel] = useState('');
  const [distance, setDistance] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [failures, setFailures] = useState<NonNullable<AddedImages['failures']>>([]);
  const chosenModel = modelId !== '' ? modelId : (models.data?.items[0]?.id ?? '');
  const elementLabel = label.trim() === '' ? null : label.trim();

  const done = (added: AddedImages) => {
    setFailures(added.failures ?? []);
    setFiles([]);
    setPicked([]);
    onAdded(added);
  };
  const upload = useMutation({
    mutationFn: () =>
      uploadPhotos(files, {
        inspection_id: inspectionId,
        model_id: chosenModel,
        element_label: elementLabel,
        distance_m: distance === '' ? null : Number(distance),
      }),
    onSuccess: done,
  });
  const add = useMutation({
    mutationFn: () => addPredictions(inspectionId, picked, elementLabel),
    onSuccess: done,
  });
  const submitUpload = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    upload.mutate();
  };

  return (
    <div className="space-y-5">
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField label="Element label" optional hint="Pairs photos of one element for growth">
          {(control) => (
            <input
              {...control}
              className={INPUT_CLASSES}
              maxLength={100}
              value={label}
              onChange={(e) => {
                setLabel(e.target.value);
              }}
            />
          )}
        </FormField>
        <FormField label="Camera distance (m)" optional hint="For the camera (EXIF) scale">
          {(control) => (
            <input
              {...control}
              className={INPUT_CLASSES}
              type="number"
              min={0.01}
              max={2000}
              step="any"
              value={distance}
              onChange={(e) => {
                setDistance(e.target.value);
              }}
            />
          )}
        </FormField>
      </div>
      <form
        onSubmit={submitUpload}
        className="grid gap-4 sm:grid-cols-3 sm:items-end"
        aria-label="Upload photos"
      >
        <FormField label="Photos">
          {(control) => (
            <input
              {...control}
              type="file"
              multiple
              accept="image/jpeg,image/png,image/tiff,image/webp,image/bmp"
              onChange={(e) => {
                setFiles(Array.from(e.target.files ?? []));
              }}
            />
          )}
        </FormField>
        <FormField label="Model">
          {(control) => (
            <select
              {...control}
              className={INPUT_CLASSES}
              value={chosenModel}
              onChange={(e) => {
                setModelId(e.target.value);
              }}
            >
              {(models.data?.items ?? []).map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <Button
          type="submit"
          disabled={files.length === 0 || chosenModel === '' || upload.isPending}
        >
          {upload.isPending ? 'Predicting…' : 'Upload and predict'}
        </Button>
      </form>
      <div className="grid gap-4 sm:grid-cols-3 sm:items-end">
        <FormField label="Or saved predictions" className="sm:col-span-2">
          {(control) => (
            <select
              {...control}
              multiple
              className={`${INPUT_CLASSES} h-28`}
              value={picked}
              onChange={(e) => {
                setPicked(Array.from(e.target.selectedOptions, (o) => o.value));
              }}
            >
              {(history.data?.items ?? []).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.image_name} · {p.created_at.slice(0, 16).replace('T', ' ')} ·{' '}
                  {p.instance_count} crack(s)
                </option>
              ))}
            </select>
          )}
        </FormField>
        <Button
          variant="secondary"
          disabled={picked.length === 0 || add.isPending}
          onClick={() => {
            add.mutate();
          }}
        >
          Add {picked.length || ''} prediction{picked.length === 1 ? '' : 's'}
        </Button>
      </div>
      {(upload.isError || add.isError) && (
        <Callout tone="error">{errorMessage(upload.error ?? add.error)}</Callout>
      )}
      {failures.length > 0 && (
        <Callout tone="warning" title="Some photos were not added">
          <ul className="list-disc pl-5">
            {failures.map((f) => (
              <li key={f.image_name}>
                {f.image_name}: {f.error}
              </li>
            ))}
          </ul>
        </Callout>
      )}
    </div>
  );
}
