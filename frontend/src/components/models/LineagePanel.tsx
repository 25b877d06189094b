import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';

import { useSeriesLabels } from '@/hooks/useTraining';
import type { ModelDetail } from '@/services/models.service';

import { Badge } from './Badge';
import {
  architectureLabel,
  formatBytes,
  formatDateTime,
  formatMetric,
  sourceLabel,
  taskLabel,
} from './format';

/** Session settings shown first; the rest are under "All settings". */
const KEY_SETTINGS = [
  'model_arch',
  'epochs',
  'batch_size',
  'image_size',
  'optimizer',
  'learning_rate',
  'augmentation_level',
  'pretrained',
  'device',
  'seed',
];

function settingLabel(key: string): string {
  const text = key.replaceAll('_', ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function settingValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  return JSON.stringify(value);
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[9rem_1fr] gap-3 py-1.5 text-sm">
      <dt className="text-slate-500">{label}</dt>
      <dd className="min-w-0 break-words text-slate-900">{children}</dd>
    </div>
  );
}

const LINK = 'font-medium text-sky-700 hover:text-sky-600 hover:underline';

/** What the weights are and where they came from: file, dataset, training run and its settings. */
export function LineagePanel({ model }: { model: ModelDetail }) {
  const labels = useSeriesLabels();
  const config = model.session?.config ?? {};
  const keyEntries = KEY_SETTINGS.filter((key) => key in config).map(
    (key) => [key, config[key]] as const,
  );
  const otherEntries = Object.entries(config).filter(([key]) => !KEY_SETTINGS.includes(key));
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <dl className="divide-y divide-slate-100" aria-label="Model facts">
        <Row label="Source">{sourceLabel(model.source)}</Row>
        <Row label="Architecture">
          {architectureLabel(model, labels)}
          {model.model_arch !== null && (
            <span className="text-slate-500"> · {model.model_arch}</span>
          )}
        </Row>
        <Row label="Task">
          {taskLabel(model.task)} <span className="text-slate-500">({model.framework})</span>
        </Row>
        <Row label="Classes">
          <span className="flex flex-wrap gap-1">
            {model.class_names.map((name) => (
              <Badge key={name}>{name}</Badge>
            ))}
          </span>
        </Row>
        <Row label="Image size">{model.image_size === null ? '—' : `${model.image_size} px`}</Row>
        <Row label="Weights">
          {model.file_name}{' '}
          <span className="text-slate-500">· {formatBytes(model.size_bytes)}</span>
        </Row>
        <Row label="Created">{formatDateTime(model.created_at)}</Row>
      </dl>

      <dl className="divide-y divide-slate-100" aria-label="Lineage">
        <Row label="Dataset">
          {model.dataset !== null ? (
            <>
              <Link to={`/datasets/${model.dataset.id}`} className={LINK}>
                {model.dataset.name}
              </Link>
              <span className="text-slate-500"> · {model.dataset.status}</span>
            </>
          ) : model.dataset_name !== null ? (
            <span>
              {model.dataset_name} <span className="text-slate-500">(deleted)</span>
            </span>
          ) : (
            <span className="text-slate-500">Not known (imported weights)</span>
          )}
        </Row>
        <Row label="Dataset version">
          {model.dataset_version_number != null ? (
            <span data-testid="lineage-dataset-version">
              v{model.dataset_version_number}
              {model.dataset !== null && (
                <span className="text-slate-500">
                  {' '}
                  ·{' '}
                  <Link to={`/datasets/${model.dataset.id}#versions`} className={LINK}>
                    versions
                  </Link>
                </span>
              )}
            </span>
          ) : model.dataset_version_id != null ? (
            <span className="text-slate-500">Deleted version</span>
          ) : (
            <span className="text-slate-500">Working copy (no version)</span>
          )}
        </Row>
        <Row label="Training run">
          {model.session !== null ? (
            <>
              <Link to={`/training/sessions/${model.session.id}`} className={LINK}>
                {model.session.name}
              </Link>
              <span className="text-slate-500"> · {model.session.status}</span>
            </>
          ) : model.session_id !== null ? (
            <span className="text-slate-500">Deleted run</span>
          ) : (
            <span className="text-slate-500">None (imported weights)</span>
          )}
        </Row>
        {model.session !== null && (
          <>
            <Row label="Best epoch">
              {model.session.best_epoch ?? '—'} of {model.session.total_epochs}
              {model.session.best_metric !== null && (
                <span className="text-slate-500">
                  {' '}
                  · best {formatMetric(model.session.best_metric)}
                </span>
              )}
            </Row>
            {keyEntries.map(([key, value]) => (
              <Row key={key} label={settingLabel(key)}>
                {settingValue(value)}
              </Row>
            ))}
          </>
        )}
        {otherEntries.length > 0 && (
          <details className="py-1.5 text-sm">
            <summary className="cursor-pointer text-slate-500 hover:text-slate-700">
              All settings ({otherEntries.length} more)
            </summary>
            <dl className="mt-1 divide-y divide-slate-100">
              {otherEntries.map(([key, value]) => (
                <Row key={key} label={settingLabel(key)}>
                  {settingValue(value)}
                </Row>
              ))}
            </dl>
          </details>
        )}
      </dl>
    </div>
  );
}
