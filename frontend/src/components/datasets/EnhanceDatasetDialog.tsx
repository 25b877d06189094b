import { Sparkles } from 'lucide-react';
import { useState, type SubmitEvent } from 'react';
import { useNavigate } from 'react-router-dom';

import { Button } from '@/components/common/Button';
import { Modal } from '@/components/common/Modal';
import { useEnhanceDataset } from '@/hooks/useDatasets';
import { ApiError, errorReason } from '@/services/errors';
import { showToast } from '@/store/uiStore';

import { Callout } from '@/components/common/Callout';
import { FormField } from '@/components/common/FormField';
import { friendlyFieldMessage } from './roboflowErrors';

export interface EnhanceDatasetDialogProps {
  datasetId: string;
  datasetName: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

/** Creates a CLAHE contrast-enhanced copy of a dataset and opens it. */
export function EnhanceDatasetDialog({
  datasetId,
  datasetName,
  open,
  onOpenChange,
}: EnhanceDatasetDialogProps) {
  return (
    <Modal
      open={open}
      onOpenChange={onOpenChange}
      title="Enhance contrast (CLAHE)"
      description="Creates a new dataset whose images are contrast-enhanced with CLAHE, which makes thin cracks stand out. Labels are copied unchanged; this dataset is not modified."
    >
      {open && (
        <EnhanceForm
          datasetId={datasetId}
          datasetName={datasetName}
          onClose={() => {
            onOpenChange(false);
          }}
        />
      )}
    </Modal>
  );
}

function EnhanceForm({
  datasetId,
  datasetName,
  onClose,
}: {
  datasetId: string;
  datasetName: string;
  onClose: () => void;
}) {
  const navigate = useNavigate();
  const enhance = useEnhanceDataset(datasetId);
  const [clipLimit, setClipLimit] = useState('2.0');
  const [tiles, setTiles] = useState('8');
  const [name, setName] = useState('');
  const fieldErrors = enhance.error instanceof ApiError ? enhance.error.fieldErrors : {};
  const hasFieldErrors = Object.keys(fieldErrors).length > 0;
  const fieldError = (field: string, value: string) => {
    const message = fieldErrors[field];
    return message === undefined ? undefined : friendlyFieldMessage(message, value);
  };

  const onSubmit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const trimmed = name.trim();
    enhance.mutate(
      {
        clip_limit: Number(clipLimit),
        tile_grid_size: Number(tiles),
        ...(trimmed === '' ? {} : { name: trimmed }),
      },
      {
        onSuccess: ({ dataset, started }) => {
          showToast(
            started
              ? {
                  title: 'Enhancement started',
                  description: `Creating “${dataset.name}”.`,
                  variant: 'success',
                }
              : {
                  title: 'Already enhanced',
                  description: `“${datasetName}” was enhanced with these settings before: opened that copy.`,
                  variant: 'info',
                },
          );
          onClose();
          void navigate(`/datasets/${dataset.id}`);
        },
      },
    );
  };

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4">
      <div className="grid grid-cols-2 gap-4">
        <FormField
          label="Clip limit"
          hint="0.5 to 20; higher means stronger contrast."
          error={fieldError('clip_limit', clipLimit)}
        >
          {(control) => (
            <input
              {...control}
              name="clip_limit"
              type="number"
              step={0.5}
              min={0.5}
              max={20}
              value={clipLimit}
              onChange={(event) => {
                setClipLimit(event.target.value);
              }}
            />
          )}
        </FormField>
        <FormField
          label="Tiles per side"
          hint="2 to 64; the local regions equalised."
          error={fieldError('tile_grid_size', tiles)}
        >
          {(control) => (
            <input
              {...control}
              name="tile_grid_size"
              type="number"
              min={2}
              max={64}
              value={tiles}
              onChange={(event) => {
                setTiles(event.target.value);
              }}
            />
          )}
        </FormField>
      </div>
      <FormField
        label="New dataset name"
        optional
        hint={`Defaults to “${datasetName} (CLAHE ${Number(clipLimit)}/${Number(tiles)})”.`}
        error={fieldError('name', name)}
      >
        {(control) => (
          <input
            {...control}
            name="name"
            autoComplete="off"
            value={name}
            onChange={(event) => {
              setName(event.target.value);
            }}
          />
        )}
      </FormField>
      {enhance.isError && !hasFieldErrors && (
        <Callout tone="error" title="The enhancement could not start">
          {errorReason(enhance.error)}
        </Callout>
      )}
      <div className="flex justify-end gap-2 border-t border-slate-100 pt-4">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" disabled={enhance.isPending}>
          <Sparkles className="size-4" aria-hidden="true" />
          {enhance.isPending ? 'Starting…' : 'Create enhanced copy'}
        </Button>
      </div>
    </form>
  );
}
