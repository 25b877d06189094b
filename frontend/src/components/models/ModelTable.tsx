import { Link } from 'react-router-dom';

import { Table, type Column } from '@/components/common/Table';
import { useSeriesLabels } from '@/hooks/useTraining';
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

function ModelName({ model }: { model: ModelSummary }) {
  const labels = useSeriesLabels();
  return (
    <>
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
        {architectureLabel(model, labels)} · {taskLabel(model.task)}
      </p>
    </>
  );
}

function Classes({ model }: { model: ModelSummary }) {
  return (
    <>
      <p className="truncate text-slate-700" title={model.class_names.join(', ')}>
        {classesLabel(model.class_names)}
      </p>
      <p className="mt-0.5 text-xs whitespace-nowrap text-slate-500 tabular-nums">
        {model.num_classes} class{model.num_classes === 1 ? '' : 'es'}
        {model.image_size !== null && ` · ${model.image_size} px`}
      </p>
    </>
  );
}

function Tags({ model }: { model: ModelSummary }) {
  if (model.tags.length === 0) return <span className="text-slate-400">—</span>;
  return (
    <ul className="flex max-w-36 flex-wrap gap-1" aria-label={`Tags of ${model.name}`}>
      {model.tags.map((tag) => (
        <li key={tag}>
          <Badge>{tag}</Badge>
        </li>
      ))}
    </ul>
  );
}

/** A headline metric, marked "box" when the model has no mask metrics. */
function headlineColumn(
  key: 'map50' | 'map50_95',
  header: string,
  strong: boolean,
): Column<ModelSummary> {
  return {
    key,
    header,
    align: 'right',
    headerClassName: 'whitespace-nowrap normal-case',
    className: cn('text-slate-900 tabular-nums', strong && 'font-medium'),
    sortValue: (model) => headlineMetrics(model.metrics)[key] ?? null,
    cell: (model) => {
      const headline = headlineMetrics(model.metrics);
      return (
        <>
          {formatMetric(headline[key])}
          {headline.kind === 'box' && <p className="text-xs font-normal text-slate-400">box</p>}
        </>
      );
    },
  };
}

const COLUMNS: Column<ModelSummary>[] = [
  {
    key: 'name',
    header: 'Model',
    className: 'min-w-52',
    sortValue: (model) => model.name.toLowerCase(),
    cell: (model) => <ModelName model={model} />,
  },
  {
    key: 'classes',
    header: 'Classes',
    className: 'max-w-40',
    cell: (model) => <Classes model={model} />,
  },
  {
    key: 'lineage',
    header: 'Dataset · training run',
    className: 'max-w-52',
    cell: (model) => <Lineage model={model} />,
  },
  headlineColumn('map50', 'mAP50', false),
  headlineColumn('map50_95', 'mAP50-95', true),
  {
    key: 'weights',
    header: 'Weights',
    align: 'right',
    className: 'whitespace-nowrap text-slate-600 tabular-nums',
    sortValue: (model) => model.size_bytes,
    cell: (model) => formatBytes(model.size_bytes),
  },
  { key: 'tags', header: 'Tags', cell: (model) => <Tags model={model} /> },
  {
    key: 'created',
    header: 'Created',
    className: 'whitespace-nowrap text-slate-600',
    sortValue: (model) => model.created_at,
    cell: (model) => formatDate(model.created_at),
  },
];

export function ModelTable({ models, selected, onToggle, selectionFull }: ModelTableProps) {
  return (
    <Table
      label="Models"
      variant="framed"
      columns={COLUMNS}
      rows={models}
      rowKey={(model) => model.id}
      rowProps={(model) => ({ 'data-testid': 'model-row', 'data-model-id': model.id })}
      selection={{
        selected,
        onToggle,
        label: (model) => `Select ${model.name} for comparison`,
        isDisabled: (model) => selectionFull && !selected.has(model.id),
        headerLabel: 'Select for comparison',
      }}
    />
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
