import { Trash2 } from 'lucide-react';
import { useState } from 'react';

import { Button } from '@/components/common/Button';
import { Modal } from '@/components/common/Modal';
import { useDeleteDataset } from '@/hooks/useDatasets';
import { type Dataset, type DatasetDeleted } from '@/services/datasets.service';
import { errorReason, hasStatus } from '@/services/errors';
import { showToast } from '@/store/uiStore';

import { Callout } from '@/components/common/Callout';
import { formatBytes, formatCount } from './format';

export interface DeleteDatasetDialogProps {
  /** The dataset to delete; null closes the dialog. */
  dataset: Pick<Dataset, 'id' | 'name' | 'image_count' | 'size_bytes'> | null;
  onClose: () => void;
  onDeleted?: (result: DatasetDeleted) => void;
}

/** Asks before deleting; a 409 (used by training sessions) explains why and offers to force. */
export function DeleteDatasetDialog({ dataset, onClose, onDeleted }: DeleteDatasetDialogProps) {
  return (
    <Modal
      open={dataset !== null}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
      title="Delete dataset"
    >
      {dataset !== null && (
        <DeleteConfirmation
          key={dataset.id}
          dataset={dataset}
          onClose={onClose}
          onDeleted={onDeleted}
        />
      )}
    </Modal>
  );
}

function DeleteConfirmation({
  dataset,
  onClose,
  onDeleted,
}: Required<Pick<DeleteDatasetDialogProps, 'onClose'>> &
  Pick<DeleteDatasetDialogProps, 'onDeleted'> & {
    dataset: NonNullable<DeleteDatasetDialogProps['dataset']>;
  }) {
  const deletion = useDeleteDataset();
  const [forced, setForced] = useState(false);
  const error = deletion.error;
  const conflict = hasStatus(error, 409) ? error : null;

  const remove = (force: boolean) => {
    setForced(force);
    deletion.mutate(
      { id: dataset.id, force },
      {
        onSuccess: (result) => {
          showToast({
            title: 'Dataset deleted',
            description: `“${dataset.name}” was deleted; ${formatBytes(result.freed_bytes)} freed.`,
            variant: 'success',
          });
          onDeleted?.(result);
          onClose();
        },
      },
    );
  };

  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">
        Delete <span className="font-semibold text-slate-900">“{dataset.name}”</span>? Its{' '}
        {formatCount(dataset.image_count)} images, labels and validation report (
        {formatBytes(dataset.size_bytes)}) are removed from disk. This cannot be undone.
      </p>
      {conflict !== null && !forced && (
        <Callout tone="warning" title="This dataset is used by a training session">
          <p>{conflict.detail}</p>
          <p className="mt-1">
            Deleting it anyway keeps those sessions and their results, without a link to this
            dataset.
          </p>
        </Callout>
      )}
      {error !== null && (conflict === null || forced) && (
        <Callout tone="error" title="The dataset was not deleted">
          {errorReason(error)}
        </Callout>
      )}
      <div className="flex justify-end gap-2 border-t border-slate-100 pt-4">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        {conflict !== null && !forced ? (
          <Button
            variant="danger"
            disabled={deletion.isPending}
            onClick={() => {
              remove(true);
            }}
          >
            <Trash2 className="size-4" aria-hidden="true" />
            Delete anyway
          </Button>
        ) : (
          <Button
            variant="danger"
            disabled={deletion.isPending}
            onClick={() => {
              remove(forced);
            }}
          >
            <Trash2 className="size-4" aria-hidden="true" />
            {deletion.isPending ? 'Deleting…' : 'Delete dataset'}
          </Button>
        )}
      </div>
    </div>
  );
}
