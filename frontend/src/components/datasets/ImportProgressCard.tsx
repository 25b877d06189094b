import { Card } from '@/components/common/Card';
import { ProgressBar } from '@/components/common/ProgressBar';
import type { Dataset } from '@/services/datasets.service';

import { formatPercent, STATUS_LABELS } from './format';

/** Progress of a dataset that is still importing (the page polls it). */
export function ImportProgressCard({ dataset }: { dataset: Dataset }) {
  return (
    <Card
      title="Importing"
      description="This page updates by itself; the dataset opens when it is ready."
    >
      <div className="flex items-center justify-between text-sm">
        <span className="font-medium text-slate-900">{STATUS_LABELS[dataset.status]}</span>
        <span className="text-slate-500 tabular-nums">{formatPercent(dataset.progress)}</span>
      </div>
      <ProgressBar className="mt-2" value={dataset.progress} max={1} label="Import progress" />
      {dataset.message !== null && <p className="mt-2 text-sm text-slate-500">{dataset.message}</p>}
    </Card>
  );
}
