import { LossCurveChart, MapCurveChart } from '@/components/charts/LossCurveChart';
import { Loader } from '@/components/common/Loader';
import { useSessionMetrics } from '@/hooks/useModels';
import { type TrainingMetrics } from '@/services/models.service';
import { errorReason, hasStatus } from '@/services/errors';
import type { EpochPoint } from '@/store/trainingStore';

import { Callout } from '@/components/common/Callout';

function epochPoints(data: TrainingMetrics): EpochPoint[] {
  return data.epochs.map((row) => ({
    epoch: row.epoch,
    metrics: row.metrics,
    isBest: row.epoch === data.best_epoch,
  }));
}

/** Loss and mAP per epoch of the training run that produced the model. */
export function TrainingCurves({ sessionId }: { sessionId: string }) {
  const metrics = useSessionMetrics(sessionId);
  if (metrics.isPending) return <Loader label="Loading the training curves…" />;
  if (metrics.isError) {
    const gone = hasStatus(metrics.error, 404);
    return (
      <Callout tone={gone ? 'info' : 'error'}>
        {gone
          ? 'The training run was deleted: only the final metrics above remain.'
          : `Could not load the training curves: ${errorReason(metrics.error)}`}
      </Callout>
    );
  }
  const points = epochPoints(metrics.data);
  if (points.length === 0) {
    return <p className="text-sm text-slate-500">The training run recorded no epoch metrics.</p>;
  }
  return (
    <div className="grid gap-6 xl:grid-cols-2" data-testid="training-curves">
      <div>
        <h3 className="mb-2 text-xs font-medium text-slate-500">Loss</h3>
        <LossCurveChart epochs={points} height={220} />
      </div>
      <div>
        <h3 className="mb-2 text-xs font-medium text-slate-500">mAP</h3>
        <MapCurveChart epochs={points} height={220} />
      </div>
    </div>
  );
}
