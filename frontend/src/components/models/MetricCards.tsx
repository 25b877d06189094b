import { formatMetric, metricLabel } from './format';

const CARDS = [
  { key: 'mask_map50', hint: 'IoU 0.50' },
  { key: 'mask_map50_95', hint: 'IoU 0.50–0.95' },
  { key: 'box_map50', hint: 'IoU 0.50' },
  { key: 'box_map50_95', hint: 'IoU 0.50–0.95' },
] as const;

const SECONDARY = ['mask_precision', 'mask_recall', 'box_precision', 'box_recall'] as const;

export interface MetricCardsProps {
  metrics: Readonly<Record<string, number>>;
}

/** Headline mAP figures as cards, precision and recall underneath. */
export function MetricCards({ metrics }: MetricCardsProps) {
  const cards = CARDS.filter(({ key }) => metrics[key] !== undefined);
  const secondary = SECONDARY.filter((key) => metrics[key] !== undefined);
  return (
    <div data-testid="metric-cards">
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        {cards.map(({ key, hint }) => (
          <div key={key} className="rounded-lg border border-slate-200 bg-slate-50/60 px-4 py-3">
            <dt className="text-xs font-medium text-slate-500">{metricLabel(key)}</dt>
            <dd className="mt-1 text-2xl font-semibold text-slate-900 tabular-nums">
              {formatMetric(metrics[key])}
            </dd>
            <dd className="text-xs text-slate-400">{hint}</dd>
          </div>
        ))}
      </dl>
      {secondary.length > 0 && (
        <dl className="mt-3 flex flex-wrap gap-x-6 gap-y-1 text-sm">
          {secondary.map((key) => (
            <div key={key} className="flex gap-1.5">
              <dt className="text-slate-500">{metricLabel(key)}</dt>
              <dd className="font-medium text-slate-900 tabular-nums">
                {formatMetric(metrics[key])}
              </dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}
