import { Link } from 'react-router-dom';

import type { ModelSummary } from '@/services/models.service';
import { cn } from '@/utils/cn';

import { Badge, SourceBadge } from './Badge';
import {
  architectureLabel,
  classesLabel,
  formatBytes,
  formatDate,
  formatMetric,
  headlineMetrics,
  taskLabel,
} from './format';

export interface ModelTableProps {
  models: readonly ModelSummary[];
  selected: ReadonlySet<string>;
  onToggle: (id: string) => void;
  /** Further selection is refused (the comparison limit is reached). */
  selectionFull: boolean;
}

const HEAD = 'px-2.5 py-2.5 text-left text-xs font-medium tracking-wide text-slate-500 uppercase';
const CELL = 'px-2.5 py-3 align-top';

export function ModelTable({ models, selected, onToggle, selectionFull }: ModelTableProps) {
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label="Models">
        <thead className="bg-slate-50/80">
          <tr>
            <th scope="col" className={`${HEAD} w-10 pl-4`}>
              <span className="sr-only">Select for comparison</span>
            </th>
            <th scope="col" className={HEAD}>
              Model
            </th>
            <th scope="col" className={HEAD}>
              Classes
            </th>
            <th scope="col" className={HEAD}>
              Dataset · training run
            </th>
            <th scope="col" className={cn(HEAD, 'text-right whitespace-nowrap normal-case')}>
              mAP50
            </th>
            <th scope="col" className={cn(HEAD, 'text-right whitespace-nowrap normal-case')}>
              mAP50-95
            </th>
            <th scope="col" className={`${HEAD} text-right`}>
              Weights
            </th>
            <th scope="col" className={HEAD}>
              Tags
            </th>
            <th scope="col" className={`${HEAD} pr-5`}>
              Created
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {models.map((model) => (
            <ModelRow
              key={model.id}
              model={model}
              checked={selected.has(model.id)}
              disabled={selectionFull && !selected.has(model.id)}
              onToggle={onToggle}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface ModelRowProps {
  model: ModelSummary;
  checked: boolean;
  disabled: boolean;
  onToggle: (id: string) => void;
}

function ModelRow({ model, checked, disabled, onToggle }: ModelRowProps) {
  const headline = headlineMetrics(model.metrics);
  return (
    <tr
      className={checked ? 'bg-sky-50/50' : 'hover:bg-slate-50/60'}
      data-testid="model-row"
      data-model-id={model.id}
    >
      <td className={`${CELL} pl-4`}>
        <input
          type="checkbox"
          className="mt-0.5 size-4 rounded border-slate-300 text-sky-600 focus:ring-sky-600"
          aria-label={`Select ${model.name} for comparison`}
          checked={checked}
          disabled={disabled}
          onChange={() => {
            onToggle(model.id);
          }}
        />
      </td>
      <td className={`${CELL} min-w-52`}>
        <div className="flex items-center gap-2">
          <Link
            to={`/models/${model.id}`}
            className="font-medium break-words text-slate-900 hover:text-sky-700 hover:underline"
          >
            {model.name}
          </Link>
          <SourceBadge source={model.source} />
        </div>
        <p
          className="mt-0.5 text-xs whitespace-nowrap text-slate-500"
          title={model.model_arch ?? undefined}
        >
          {architectureLabel(model)} · {taskLabel(model.task)}
        </p>
      </td>
      <td className={`${CELL} max-w-40`}>
        <p className="truncate text-slate-700" title={model.class_names.join(', ')}>
          {classesLabel(model.class_names)}
        </p>
        <p className="mt-0.5 text-xs whitespace-nowrap text-slate-500 tabular-nums">
          {model.num_classes} class{model.num_classes === 1 ? '' : 'es'}
          {model.image_size !== null && ` · ${model.image_size} px`}
        </p>
      </td>
      <td className={`${CELL} max-w-52`}>
        <Lineage model={model} />
      </td>
      <td className={`${CELL} text-right text-slate-900 tabular-nums`}>
        {formatMetric(headline.map50)}
        {headline.kind === 'box' && <p className="text-xs text-slate-400">box</p>}
      </td>
      <td className={`${CELL} text-right font-medium text-slate-900 tabular-nums`}>
        {formatMetric(headline.map50_95)}
        {headline.kind === 'box' && <p className="text-xs font-normal text-slate-400">box</p>}
      </td>
      <td className={`${CELL} text-right whitespace-nowrap text-slate-600 tabular-nums`}>
        {formatBytes(model.size_bytes)}
      </td>
      <td className={CELL}>
        {model.tags.length === 0 ? (
          <span className="text-slate-400">—</span>
        ) : (
          <ul className="flex max-w-36 flex-wrap gap-1" aria-label={`Tags of ${model.name}`}>
            {model.tags.map((tag) => (
              <li key={tag}>
                <Badge>{tag}</Badge>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td className={`${CELL} pr-5 whitespace-nowrap text-slate-600`}>
        {formatDate(model.created_at)}
      </td>
    </tr>
  );
}

function Lineage({ model }: { model: ModelSummary }) {
  if (model.dataset_id === null && model.session_id === null) {
    return <span className="text-slate-400">Imported file</span>;
  }
  return (
    <div className="space-y-0.5">
      {model.dataset_id !== null && (
        <Link
          to={`/datasets/${model.dataset_id}`}
          title={model.dataset_name ?? undefined}
          className="block truncate text-slate-700 hover:text-sky-700 hover:underline"
        >
          {model.dataset_name ?? 'Dataset'}
        </Link>
      )}
      {model.session_id !== null && (
        <Link
          to={`/training/sessions/${model.session_id}`}
          title={model.session_name ?? undefined}
          className="block truncate text-xs text-slate-500 hover:text-sky-700 hover:underline"
        >
          Run: {model.session_name ?? model.session_id.slice(0, 8)}
        </Link>
      )}
    </div>
  );
}
