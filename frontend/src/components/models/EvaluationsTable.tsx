import { ProgressBar } from '@/components/common/ProgressBar';
import { isActive, type EvaluationOut } from '@/services/models.service';
import { cn } from '@/utils/cn';

import { JobStateBadge } from './Badge';
import { formatDateTime, formatMetric, formatPercent, metricLabel, splitLabel } from './format';

const HEAD = 'px-3 py-2 text-left text-xs font-medium tracking-wide text-slate-500 uppercase';
const CELL = 'px-3 py-2.5 align-top';
const METRIC_COLUMNS = ['mask_map50', 'mask_map50_95', 'box_map50', 'box_map50_95'] as const;

export function EvaluationsTable({ evaluations }: { evaluations: readonly EvaluationOut[] }) {
  if (evaluations.length === 0) {
    return (
      <p className="text-sm text-slate-500">
        Not evaluated yet. Evaluate the model on a dataset split to measure its precision, recall
        and mAP there, and to compare it with other models on the same split.
      </p>
    );
  }
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label="Evaluations">
        <thead>
          <tr>
            <th scope="col" className={`${HEAD} pl-0`}>
              Dataset · split
            </th>
            <th scope="col" className={HEAD}>
              Status
            </th>
            {METRIC_COLUMNS.map((key) => (
              <th key={key} scope="col" className={cn(HEAD, 'text-right normal-case')}>
                {metricLabel(key)}
              </th>
            ))}
            <th scope="col" className={`${HEAD} pr-0`}>
              Run
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {evaluations.map((item) => (
            <EvaluationRow key={item.id} evaluation={item} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EvaluationRow({ evaluation }: { evaluation: EvaluationOut }) {
  const imgsz = evaluation.params.imgsz;
  return (
    <tr data-testid="evaluation-row">
      <td className={`${CELL} pl-0`}>
        <p className="font-medium text-slate-900">{evaluation.dataset_name}</p>
        <p className="text-xs text-slate-500">
          {splitLabel(evaluation.split)}
          {typeof imgsz === 'number' && ` · ${imgsz} px`}
        </p>
        {evaluation.per_class.length > 0 && <PerClass rows={evaluation.per_class} />}
      </td>
      <td className={CELL}>
        <JobStateBadge status={evaluation.status} />
        {isActive(evaluation.status) && (
          <div className="mt-1.5 w-28">
            <ProgressBar value={evaluation.progress} max={1} label="Evaluation progress" />
            <p className="mt-0.5 text-xs text-slate-500 tabular-nums">
              {formatPercent(evaluation.progress)}
            </p>
          </div>
        )}
        {evaluation.error !== null && evaluation.error !== undefined && (
          <p className="mt-1 max-w-xs text-xs text-red-700">{evaluation.error}</p>
        )}
      </td>
      {METRIC_COLUMNS.map((key) => (
        <td key={key} className={`${CELL} text-right text-slate-900 tabular-nums`}>
          {formatMetric(evaluation.metrics[key])}
        </td>
      ))}
      <td className={`${CELL} pr-0 whitespace-nowrap text-slate-600`}>
        {formatDateTime(evaluation.created_at)}
      </td>
    </tr>
  );
}

function cellText(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(3);
  if (typeof value === 'string') return value;
  return '—';
}

function PerClass({ rows }: { rows: readonly Record<string, unknown>[] }) {
  const columns = [
    ...new Set(rows.flatMap((row) => Object.keys(row)).filter((key) => key !== 'class_name')),
  ];
  return (
    <details className="mt-1 text-xs">
      <summary className="cursor-pointer text-sky-700 hover:text-sky-600">
        Per class ({rows.length})
      </summary>
      <div className="mt-1 overflow-x-auto">
        <table className="text-xs" aria-label="Per-class figures">
          <thead>
            <tr>
              <th className="pr-3 text-left font-medium text-slate-500">Class</th>
              {columns.map((column) => (
                <th key={column} className="px-1.5 text-right font-medium text-slate-500">
                  {metricLabel(column)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr key={cellText(row.class_name) + String(index)}>
                <td className="pr-3 text-slate-700">{cellText(row.class_name)}</td>
                {columns.map((column) => (
                  <td key={column} className="px-1.5 text-right text-slate-700 tabular-nums">
                    {cellText(row[column])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
