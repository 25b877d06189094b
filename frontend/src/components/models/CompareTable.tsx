import { Link } from 'react-router-dom';

import type { ModelSummary } from '@/services/models.service';
import { cn } from '@/utils/cn';

import { architectureLabel, formatBytes, formatMetric, metricLabel, taskLabel } from './format';

const HEAD = 'px-3 py-2.5 text-left text-xs font-medium text-slate-500';
const CELL = 'px-3 py-2 text-right tabular-nums';

/** The highest value of a row (every model holding it is highlighted), else null. */
function bestOf(values: readonly (number | undefined)[]): number | null {
  const present = values.filter((value): value is number => value !== undefined);
  if (present.length < 2) return null;
  const best = Math.max(...present);
  // A row where every model is equal has no winner to point out.
  return present.every((value) => value === best) ? null : best;
}

export interface MetricMatrixProps {
  label: string;
  models: readonly ModelSummary[];
  metricKeys: readonly string[];
  valueOf: (model: ModelSummary, key: string) => number | undefined;
}

/** Metrics as rows, models as columns; the best value of each row is emphasised. */
export function MetricMatrix({ label, models, metricKeys, valueOf }: MetricMatrixProps) {
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label={label}>
        <thead>
          <tr>
            <th scope="col" className={`${HEAD} pl-0`}>
              Metric
            </th>
            {models.map((model) => (
              <th key={model.id} scope="col" className={`${HEAD} text-right`}>
                <Link
                  to={`/models/${model.id}`}
                  className="font-semibold text-slate-900 hover:text-sky-700 hover:underline"
                >
                  {model.name}
                </Link>
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {metricKeys.map((key) => {
            const values = models.map((model) => valueOf(model, key));
            const best = bestOf(values);
            return (
              <tr key={key}>
                <th scope="row" className="py-2 pr-3 text-left font-normal text-slate-600">
                  {metricLabel(key)}
                </th>
                {values.map((value, index) => (
                  <td
                    key={models[index]?.id ?? index}
                    className={cn(
                      CELL,
                      value !== undefined && value === best
                        ? 'font-semibold text-emerald-700'
                        : 'text-slate-900',
                    )}
                  >
                    {formatMetric(value)}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** What each compared model is: architecture, task, classes, image size, dataset, size. */
export function ModelFactsTable({ models }: { models: readonly ModelSummary[] }) {
  const rows: [string, (model: ModelSummary) => string][] = [
    [
      'Architecture',
      (model) => `${architectureLabel(model)}${model.model_arch ? ` (${model.model_arch})` : ''}`,
    ],
    ['Task', (model) => taskLabel(model.task)],
    ['Classes', (model) => String(model.num_classes)],
    ['Image size', (model) => (model.image_size === null ? '—' : `${model.image_size} px`)],
    ['Dataset', (model) => model.dataset_name ?? '—'],
    ['Weights', (model) => formatBytes(model.size_bytes)],
  ];
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label="Model facts">
        <thead>
          <tr>
            <th scope="col" className={`${HEAD} pl-0`}>
              <span className="sr-only">Fact</span>
            </th>
            {models.map((model) => (
              <th key={model.id} scope="col" className={`${HEAD} text-right`}>
                {model.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map(([label, valueOf]) => (
            <tr key={label}>
              <th scope="row" className="py-2 pr-3 text-left font-normal text-slate-600">
                {label}
              </th>
              {models.map((model) => (
                <td key={model.id} className="px-3 py-2 text-right text-slate-900">
                  {valueOf(model)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
