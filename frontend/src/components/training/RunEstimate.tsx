import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Clock } from 'lucide-react';

import { Callout } from '@/components/common/Callout';
import { fetchRunEstimate, type TrainingDefaults } from '@/services/training.service';

import { estimateRequest, formatDuration, type EstimateInputs } from './runEstimate';

export interface RunEstimateProps extends EstimateInputs {
  defaults: TrainingDefaults;
}

/**
 * Why the form starts with the settings it does on this server, and how long the run as set would
 * take here (the server's estimate: the architecture's GFLOPs, the images and a throughput measured
 * on that machine), with a warning above an hour.
 */
export function RunEstimate({ defaults, ...form }: RunEstimateProps) {
  const request = estimateRequest(form);
  const estimate = useQuery({
    queryKey: ['training', 'estimate', request],
    queryFn: async ({ signal }) => {
      if (request === null) throw new Error('Nothing to estimate yet');
      return fetchRunEstimate(request, signal);
    },
    enabled: request !== null,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  const reason = defaults.recommended?.reason;
  const data = request === null ? undefined : estimate.data;
  return (
    <div className="mt-4 space-y-3" data-testid="run-estimate">
      {reason !== undefined && (
        <p className="text-xs leading-5 text-slate-500" data-testid="run-reason">
          <span className="font-medium text-slate-700">Suggested for this server: </span>
          {reason}
        </p>
      )}
      {data !== undefined && (
        <p className="flex items-start gap-1.5 text-sm text-slate-700" data-testid="run-duration">
          <Clock className="mt-0.5 size-4 shrink-0 text-slate-400" aria-hidden="true" />
          <span>
            Estimated duration: <strong>{formatDuration(data.seconds)}</strong>
            <span className="block text-xs text-slate-500">
              {data.epoch_seconds.toFixed(1)} s per epoch, from {data.basis}
            </span>
          </span>
        </p>
      )}
      {data?.warning && (
        <Callout tone="warning" title="This run would take over an hour" testId="run-warning">
          {data.warning}
        </Callout>
      )}
    </div>
  );
}
