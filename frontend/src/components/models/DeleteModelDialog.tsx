import { useNavigate } from 'react-router-dom';

import { Button } from '@/components/common/Button';
import { useDeleteModel } from '@/hooks/useModels';
import { type ModelDetail } from '@/services/models.service';
import { errorReason } from '@/services/errors';
import { showToast } from '@/store/uiStore';

import { Dialog } from './Dialog';
import { formatBytes } from './format';
import { Callout } from '@/components/common/Callout';

export interface DeleteModelDialogProps {
  model: ModelDetail;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

/** Confirms deleting a model with its files; a 409 (a job uses it) is shown with its reason. */
export function DeleteModelDialog({ model, open, onOpenChange }: DeleteModelDialogProps) {
  const navigate = useNavigate();
  const remove = useDeleteModel();
  const close = (next: boolean) => {
    if (!next) remove.reset();
    onOpenChange(next);
  };
  const confirm = () => {
    remove.mutate(model.id, {
      onSuccess: (result) => {
        showToast({
          title: 'Model deleted',
          description: `${model.name} and its files (${formatBytes(result.freed_bytes)}) were removed.`,
          variant: 'success',
        });
        void navigate('/models');
      },
    });
  };
  return (
    <Dialog
      open={open}
      onOpenChange={close}
      title="Delete model"
      footer={
        <>
          <Button
            variant="secondary"
            onClick={() => {
              close(false);
            }}
          >
            Cancel
          </Button>
          <Button variant="danger" onClick={confirm} disabled={remove.isPending}>
            {remove.isPending ? 'Deleting…' : 'Delete model'}
          </Button>
        </>
      }
    >
      <div className="space-y-3 text-sm text-slate-600">
        <p>
          <span className="font-medium text-slate-900">{model.name}</span> will be removed with its
          weights, {model.exports.length} export{model.exports.length === 1 ? '' : 's'} and{' '}
          {model.evaluations.length} evaluation{model.evaluations.length === 1 ? '' : 's'}. This
          cannot be undone.
        </p>
        {model.in_use !== null && (
          <Callout tone="warning" title="In use">
            {model.in_use}
          </Callout>
        )}
        {remove.isError && (
          <Callout tone="error" title="The model was not deleted">
            {errorReason(remove.error)}
          </Callout>
        )}
      </div>
    </Dialog>
  );
}
