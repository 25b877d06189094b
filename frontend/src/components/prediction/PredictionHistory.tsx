import { History } from 'lucide-react';
import { useState } from 'react';

import { Loader } from '@/components/common/Loader';
import { usePredictionHistory } from '@/hooks/usePrediction';
import { errorMessage } from '@/services/errors';
import { cn } from '@/utils/cn';

import { AddToDatasetButton } from './AddToDatasetDialog';
import { SeverityBadge } from './CrackTable';

interface Props {
  activeId: string | null;
  onOpen: (predictionId: string) => void;
  /** The viewer's confidence threshold, the starting point of "Add to dataset". */
  confidence: number;
}

/** Past predictions, newest first; one click reopens it in the viewer. */
export function PredictionHistory({ activeId, onOpen, confidence }: Props) {
  const history = usePredictionHistory();
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  if (history.isPending) return <Loader />;
  if (history.isError)
    return (
      <p role="alert" className="text-sm text-red-600">
        {errorMessage(history.error)}
      </p>
    );
  if (history.data.items.length === 0)
    return (
      <p className="flex items-center gap-2 text-sm text-slate-500">
        <History className="size-4" aria-hidden="true" /> No predictions yet.
      </p>
    );
  const toggle = (id: string) => {
    setChosen((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  };
  return (
    <div className="space-y-2">
      <ul data-testid="prediction-history" className="divide-y divide-slate-100 text-sm">
        {history.data.items.map((item) => (
          <li key={item.id} className="flex items-center gap-2">
            <input
              type="checkbox"
              aria-label={`Choose ${item.image_name}`}
              checked={chosen.has(item.id)}
              onChange={() => {
                toggle(item.id);
              }}
            />
            <button
              type="button"
              className={cn(
                'flex w-full items-center gap-3 px-1 py-2 text-left hover:bg-slate-50',
                item.id === activeId && 'bg-sky-50',
              )}
              onClick={() => {
                onOpen(item.id);
              }}
            >
              <span className="min-w-0 flex-1">
                <span className="block truncate font-medium text-slate-800">{item.image_name}</span>
                <span className="block truncate text-xs text-slate-500">
                  {new Date(item.created_at).toLocaleString()} ·{' '}
                  {item.model_name ?? 'deleted model'}
                </span>
              </span>
              <span className="shrink-0 text-xs text-slate-600">
                {item.instance_count} {item.instance_count === 1 ? 'crack' : 'cracks'}
              </span>
              <SeverityBadge severity={item.summary.worst_severity} />
            </button>
          </li>
        ))}
      </ul>
      <AddToDatasetButton
        predictionIds={[...chosen].filter((id) =>
          history.data.items.some((item) => item.id === id),
        )}
        confidence={confidence}
        label={chosen.size > 0 ? `Add ${chosen.size} chosen to dataset` : 'Add chosen to dataset'}
      />
    </div>
  );
}
