import { Ban, Play, Square } from 'lucide-react';

import { Button } from '@/components/common/Button';
import { useSessionControl } from '@/hooks/useTraining';
import { errorMessage } from '@/services/errors';
import type {
  SessionAction,
  SessionStatus,
  TrainingSessionDetail,
} from '@/services/training.service';
import { showToast } from '@/store/uiStore';

const DONE_MESSAGES: Record<SessionAction, string> = {
  stop: 'Stop requested: the run stops at the current batch and stays resumable',
  resume: 'Resumed: the run continues from its last finished epoch',
  cancel: 'Queued run cancelled',
};

export interface SessionControlsProps {
  session: TrainingSessionDetail;
  /** The live status (from the stream), fresher than the session's. */
  status: SessionStatus;
}

/** Stop a running session, cancel a queued one, resume a stopped/interrupted/failed one. */
export function SessionControls({ session, status }: SessionControlsProps) {
  const control = useSessionControl();
  const pendingAction = control.isPending ? control.variables.action : null;
  const run = (action: SessionAction) => {
    control.mutate(
      { sessionId: session.id, action },
      {
        onSuccess: () => {
          showToast({ variant: 'success', title: DONE_MESSAGES[action] });
        },
        onError: (error) => {
          showToast({
            variant: 'error',
            title: `Could not ${action} the run`,
            description: errorMessage(error),
          });
        },
      },
    );
  };
  // The REST detail says whether a resume is allowed now (e.g. a failed run needs a checkpoint).
  const resumable = session.resumable && session.status === status;
  const stopping = session.stop_requested && status === 'running';

  return (
    <div className="flex flex-wrap items-center gap-2">
      {status === 'running' && (
        <Button
          variant="danger"
          onClick={() => {
            run('stop');
          }}
          disabled={pendingAction !== null || stopping}
        >
          <Square className="size-4" aria-hidden="true" />
          {stopping || pendingAction === 'stop' ? 'Stopping…' : 'Stop'}
        </Button>
      )}
      {status === 'queued' && (
        <Button
          variant="secondary"
          onClick={() => {
            run('cancel');
          }}
          disabled={pendingAction !== null}
        >
          <Ban className="size-4" aria-hidden="true" />
          {pendingAction === 'cancel' ? 'Cancelling…' : 'Cancel'}
        </Button>
      )}
      {resumable && (
        <Button
          onClick={() => {
            run('resume');
          }}
          disabled={pendingAction !== null}
        >
          <Play className="size-4" aria-hidden="true" />
          {pendingAction === 'resume' ? 'Resuming…' : 'Resume'}
        </Button>
      )}
    </div>
  );
}
