import { CircleAlert, CircleCheck, Clock, Download } from 'lucide-react';
import { Link } from 'react-router-dom';

import { LossCurveChart, MapCurveChart } from '@/components/charts/LossCurveChart';
import { Card } from '@/components/common/Card';
import { Loader } from '@/components/common/Loader';
import {
  useCheckpoints,
  useFamilies,
  useTrainingSession,
  useTrainingSessions,
  useTrainingStream,
} from '@/hooks/useTraining';
import type { WebSocketStatus } from '@/hooks/useWebSocket';
import { errorMessage, hasStatus } from '@/services/errors';
import {
  metricsCsvUrl,
  type SessionStatus,
  type TrainingSessionDetail,
} from '@/services/training.service';
import { currentStatus, type LiveSession } from '@/store/trainingStore';
import { cn } from '@/utils/cn';

import { CheckpointList } from './CheckpointList';
import { familyNamed } from './families';
import { formatDateTime, formatMetric } from './format';
import { LogConsole } from './LogConsole';
import { MetricCards } from './MetricCards';
import { queueText, runsAhead } from './queue';
import { SessionControls } from './SessionControls';
import { StatusBadge } from './StatusBadge';
import { TrainingProgress } from './TrainingProgress';

const ACTIVE_FILTER = { status: ['running' as const, 'queued' as const], limit: 50 };

function ConnectionIndicator({
  connection,
  status,
}: {
  connection: WebSocketStatus;
  status: SessionStatus;
}) {
  if (connection === 'idle' && status !== 'queued' && status !== 'running') return null;
  const live = connection === 'open';
  return (
    <span
      className="inline-flex items-center gap-1.5 text-xs text-slate-500"
      data-testid="stream-status"
      data-connection={connection}
    >
      <span
        className={cn(
          'size-2 rounded-full',
          live ? 'animate-pulse bg-emerald-500' : 'bg-amber-400',
        )}
        aria-hidden="true"
      />
      {live ? 'Live' : 'Reconnecting…'}
    </span>
  );
}

function QueueNotice({ session }: { session: TrainingSessionDetail }) {
  const active = useTrainingSessions(ACTIVE_FILTER);
  const ahead = runsAhead(session, active.data?.items ?? []);
  return (
    <div
      className="flex items-center gap-2 rounded-lg bg-slate-100 px-4 py-3 text-sm text-slate-700"
      data-testid="queue-notice"
    >
      <Clock className="size-4 text-slate-500" aria-hidden="true" />
      {queueText(ahead)}
    </div>
  );
}

function Outcome({
  session,
  live,
  status,
}: {
  session: TrainingSessionDetail;
  live: LiveSession;
  status: SessionStatus;
}) {
  if (status === 'completed') {
    const modelId = live.completion?.modelId ?? session.model_id;
    const bestMap = live.completion?.bestMap ?? session.best_metric;
    const bestEpoch = live.completion?.bestEpoch ?? session.best_epoch;
    return (
      <div className="flex flex-wrap items-center gap-2 rounded-lg bg-emerald-50 px-4 py-3 text-sm text-emerald-800">
        <CircleCheck className="size-4" aria-hidden="true" />
        <span>
          Completed. Best mask mAP50-95 <strong>{formatMetric(bestMap)}</strong>
          {bestEpoch !== null && <> at epoch {bestEpoch}</>}.
        </span>
        {modelId !== null && (
          <Link to={`/models/${modelId}`} className="font-medium underline hover:no-underline">
            Open the registered model
          </Link>
        )}
      </div>
    );
  }
  const error = status === 'failed' ? (session.error ?? live.error) : null;
  const message =
    status === 'stopped' || status === 'interrupted' || status === 'cancelled'
      ? (live.statusMessage ?? session.error)
      : null;
  if (error !== null) {
    return (
      <div role="alert" className="flex gap-2 rounded-lg bg-red-50 px-4 py-3 text-sm text-red-800">
        <CircleAlert className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
        <pre className="min-w-0 font-sans whitespace-pre-wrap">{error}</pre>
      </div>
    );
  }
  if (message !== null) {
    return (
      <div className="flex gap-2 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900">
        <CircleAlert className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
        <span>{message}</span>
      </div>
    );
  }
  return null;
}

function SessionHeader({
  session,
  status,
  connection,
}: {
  session: TrainingSessionDetail;
  status: SessionStatus;
  connection: WebSocketStatus;
}) {
  const config = session.config;
  return (
    <div className="flex flex-wrap items-start justify-between gap-4">
      <div className="min-w-0">
        <div className="flex flex-wrap items-center gap-3">
          <h3 className="truncate text-lg font-semibold text-slate-900" data-testid="session-name">
            {session.name}
          </h3>
          <StatusBadge status={status} />
          <ConnectionIndicator connection={connection} status={status} />
        </div>
        <p className="mt-1 text-sm text-slate-500">
          <span className="font-mono">{session.model_arch}</span> on{' '}
          {session.dataset_name ?? 'a deleted dataset'} · {config.image_size} px · batch{' '}
          {config.batch_size} · {config.device} · started{' '}
          {formatDateTime(session.started_at ?? session.created_at)}
          {session.resume_count > 0 && ` · resumed ${session.resume_count}×`}
        </p>
      </div>
      <div className="flex items-center gap-2">
        <a
          href={metricsCsvUrl(session.id)}
          download
          className="inline-flex h-9 items-center gap-2 rounded-md px-3 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900"
        >
          <Download className="size-4" aria-hidden="true" />
          CSV
        </a>
        <SessionControls session={session} status={status} />
      </div>
    </div>
  );
}

/** Everything about one session, live: header, progress, cards, curves, console, checkpoints. */
export function SessionMonitor({ sessionId }: { sessionId: string }) {
  const detail = useTrainingSession(sessionId);
  const rest = detail.data && { status: detail.data.status, updatedAt: detail.dataUpdatedAt };
  const { live, connection } = useTrainingStream(sessionId, rest);
  const checkpoints = useCheckpoints(sessionId, live.checkpointVersion);
  const families = useFamilies();

  if (detail.isError) {
    const missing = hasStatus(detail.error, 404);
    return (
      <div
        role="alert"
        className="rounded-xl border border-red-200 bg-red-50 p-6 text-sm text-red-800"
      >
        <p className="font-semibold">
          {missing ? 'No such training run' : 'Could not load the run'}
        </p>
        <p className="mt-1">{errorMessage(detail.error)}</p>
        <Link to="/training/history" className="mt-3 inline-block font-medium underline">
          Back to the history
        </Link>
      </div>
    );
  }
  if (detail.data === undefined) return <Loader label="Loading the training run…" />;

  const session = detail.data;
  const family = familyNamed(families, session.framework);
  const status = currentStatus(live, rest) ?? session.status;
  const totalEpochs = live.progress?.totalEpochs ?? session.total_epochs;
  const epochsDone = Math.max(session.current_epoch, live.epochs.at(-1)?.epoch ?? 0);

  return (
    <div className="space-y-6" data-testid="session-monitor" data-session-id={session.id}>
      <Card>
        <SessionHeader session={session} status={status} connection={connection} />
        <div className="mt-4 space-y-4">
          {status === 'queued' && <QueueNotice session={session} />}
          <Outcome session={session} live={live} status={status} />
          <TrainingProgress
            progress={live.progress}
            status={status}
            currentEpoch={epochsDone}
            totalEpochs={totalEpochs}
          />
        </div>
      </Card>

      <MetricCards epochs={live.epochs} totalEpochs={totalEpochs} currentEpoch={epochsDone} />

      <div className="grid gap-6 xl:grid-cols-2">
        <Card title="Loss" description="Train and validation loss per epoch">
          <LossCurveChart epochs={live.epochs} totalEpochs={totalEpochs} />
        </Card>
        <Card title="mAP" description="Box and mask mAP50 / mAP50-95 on the val split">
          <MapCurveChart epochs={live.epochs} totalEpochs={totalEpochs} />
        </Card>
      </div>

      <div className="grid gap-6 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <Card
          title="Console"
          description={`${live.logs.length} line${live.logs.length === 1 ? '' : 's'}`}
        >
          <LogConsole logs={live.logs} />
        </Card>
        <Card
          title="Checkpoints"
          description={family?.checkpoint_note ?? 'The best plus the most recent epochs'}
        >
          <CheckpointList
            checkpoints={checkpoints.data}
            isLoading={checkpoints.isLoading}
            error={checkpoints.error}
            resumeFile={family?.resume_file}
          />
        </Card>
      </div>
    </div>
  );
}
