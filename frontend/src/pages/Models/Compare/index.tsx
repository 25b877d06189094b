import { ArrowLeft, GitCompareArrows } from 'lucide-react';
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router-dom';

import { Button } from '@/components/common/Button';
import { Card } from '@/components/common/Card';
import { EmptyState } from '@/components/common/EmptyState';
import { Loader } from '@/components/common/Loader';
import { PageHeader } from '@/components/common/PageHeader';
import { CompareBarChart } from '@/components/models/CompareBarChart';
import { MetricMatrix, ModelFactsTable } from '@/components/models/CompareTable';
import { METRIC_ORDER, splitLabel } from '@/components/models/format';
import { Callout } from '@/components/common/Callout';
import { useModelComparison } from '@/hooks/useModels';
import {
  MODEL_LIMITS,
  type ComparisonGroup,
  type ModelComparison,
  type ModelSummary,
} from '@/services/models.service';
import { errorReason } from '@/services/errors';

/** The mAP figures drawn as bars (precision/recall stay in the tables). */
const CHART_KEYS: readonly string[] = METRIC_ORDER.slice(0, 4);

function parseIds(raw: string | null): string[] {
  if (raw === null) return [];
  return [
    ...new Set(
      raw
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    ),
  ];
}

const BACK_LINK =
  'mb-3 inline-flex items-center gap-1.5 text-sm font-medium text-slate-500 hover:text-slate-700';

export default function CompareModelsPage() {
  const [params] = useSearchParams();
  const ids = useMemo(() => parseIds(params.get('ids')), [params]);
  const valid = ids.length >= MODEL_LIMITS.minCompare && ids.length <= MODEL_LIMITS.maxCompare;
  const comparison = useModelComparison(valid ? ids : []);
  return (
    <section data-testid="page-model-compare">
      <Link to="/models" className={BACK_LINK}>
        <ArrowLeft className="size-4" aria-hidden="true" />
        Models
      </Link>
      <PageHeader
        title="Compare models"
        description="Stored metrics side by side, and evaluations on the same dataset split."
      />
      {!valid ? (
        <EmptyState
          icon={GitCompareArrows}
          title="Choose models to compare"
          description={`Select ${MODEL_LIMITS.minCompare} to ${MODEL_LIMITS.maxCompare} models on the Models page, then press Compare.`}
        />
      ) : comparison.isPending ? (
        <Loader label="Loading the comparison…" />
      ) : comparison.isError ? (
        <Callout
          tone="error"
          title="Could not compare these models"
          actions={
            <Button variant="secondary" size="sm" onClick={() => void comparison.refetch()}>
              Retry
            </Button>
          }
        >
          {errorReason(comparison.error)}
        </Callout>
      ) : (
        <ComparisonView comparison={comparison.data} />
      )}
    </section>
  );
}

function ComparisonView({ comparison }: { comparison: ModelComparison }) {
  const { models, metric_keys: metricKeys, evaluations } = comparison;
  const chartKeys = CHART_KEYS.filter((key) => metricKeys.includes(key));
  const stored = (model: ModelSummary, key: string) => model.metrics[key];
  return (
    <div className="space-y-6">
      <Card title="Models">
        <ModelFactsTable models={models} />
      </Card>

      <Card
        title="Stored metrics"
        description="Validation metrics recorded with each model's weights (each on its own dataset)."
      >
        {metricKeys.length === 0 ? (
          <p className="text-sm text-slate-500">None of these models carries metrics.</p>
        ) : (
          <div className="space-y-6">
            {chartKeys.length > 0 && (
              <CompareBarChart
                label="Stored mAP by model"
                models={models}
                metricKeys={chartKeys}
                valueOf={stored}
              />
            )}
            <MetricMatrix
              label="Stored metrics"
              models={models}
              metricKeys={metricKeys}
              valueOf={stored}
            />
          </div>
        )}
      </Card>

      {evaluations.length === 0 ? (
        <Card title="Evaluations on the same split">
          <p className="text-sm text-slate-500">
            No dataset split has evaluations of two or more of these models. Evaluate them on the
            same split (open a model, then Evaluate) to compare them on equal terms.
          </p>
        </Card>
      ) : (
        evaluations.map((group) => (
          <EvaluationGroup
            key={`${group.dataset_id ?? group.dataset_name}-${group.split}`}
            group={group}
            models={models}
          />
        ))
      )}
    </div>
  );
}

function EvaluationGroup({
  group,
  models,
}: {
  group: ComparisonGroup;
  models: readonly ModelSummary[];
}) {
  const byModel = new Map(group.results.map((entry) => [entry.model_id, entry.metrics]));
  const evaluated = models.filter((model) => byModel.has(model.id));
  const keys = [...new Set(group.results.flatMap((entry) => Object.keys(entry.metrics)))].sort(
    (a, b) => order(a) - order(b) || a.localeCompare(b),
  );
  const valueOf = (model: ModelSummary, key: string) => byModel.get(model.id)?.[key];
  const title = `${group.dataset_name} · ${splitLabel(group.split)}`;
  return (
    <Card
      title={`Evaluated on ${title}`}
      description="Each model's latest completed evaluation on this split."
      data-testid="compare-evaluation-group"
    >
      <div className="space-y-6">
        <CompareBarChart
          label={`mAP on ${title}`}
          models={evaluated}
          metricKeys={CHART_KEYS.filter((key) => keys.includes(key))}
          valueOf={valueOf}
          height={240}
        />
        <MetricMatrix
          label={`Evaluation on ${title}`}
          models={evaluated}
          metricKeys={keys}
          valueOf={valueOf}
        />
      </div>
    </Card>
  );
}

function order(key: string): number {
  const index = (METRIC_ORDER as readonly string[]).indexOf(key);
  return index === -1 ? METRIC_ORDER.length : index;
}
