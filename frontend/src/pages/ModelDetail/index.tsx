import { ArrowLeft, Download, FileQuestion, FlaskConical, PackageOpen, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';

import { Button } from '@/components/common/Button';
import { Card } from '@/components/common/Card';
import { EmptyState } from '@/components/common/EmptyState';
import { Loader } from '@/components/common/Loader';
import { PageHeader } from '@/components/common/PageHeader';
import { SourceBadge } from '@/components/models/Badge';
import { DeleteModelDialog } from '@/components/models/DeleteModelDialog';
import { EvaluateDialog } from '@/components/models/EvaluateDialog';
import { EvaluationsTable } from '@/components/models/EvaluationsTable';
import { ExportDialog } from '@/components/models/ExportDialog';
import { ExportsTable } from '@/components/models/ExportsTable';
import { architectureLabel, formatBytes, taskLabel } from '@/components/models/format';
import { LineagePanel } from '@/components/models/LineagePanel';
import { MetricCards } from '@/components/models/MetricCards';
import { NameEditor } from '@/components/models/NameEditor';
import { Callout } from '@/components/common/Callout';
import { TagEditor } from '@/components/models/TagEditor';
import { TrainingCurves } from '@/components/models/TrainingCurves';
import { familyNamed } from '@/components/training/families';
import { useModel } from '@/hooks/useModels';
import { useFamilies, useSeriesLabels } from '@/hooks/useTraining';
import { weightsDownloadUrl, type ModelDetail } from '@/services/models.service';
import { errorReason, hasStatus } from '@/services/errors';

type DialogName = 'evaluate' | 'export' | 'delete' | null;

const BACK_LINK =
  'mb-3 inline-flex items-center gap-1.5 text-sm font-medium text-slate-500 hover:text-slate-700';

export default function ModelDetailPage() {
  const { id = '' } = useParams();
  const model = useModel(id);
  return (
    <section data-testid="page-model-detail">
      <Link to="/models" className={BACK_LINK}>
        <ArrowLeft className="size-4" aria-hidden="true" />
        Models
      </Link>
      <ModelState state={model} />
    </section>
  );
}

function ModelState({ state }: { state: ReturnType<typeof useModel> }) {
  if (state.isPending) {
    return (
      <>
        <PageHeader title="Model" />
        <Loader label="Loading the model…" />
      </>
    );
  }
  if (state.isError) {
    const missing = hasStatus(state.error, 404);
    return (
      <>
        <PageHeader title="Model" />
        {missing ? (
          <EmptyState
            icon={FileQuestion}
            title="Model not found"
            description="It may have been deleted. The Models page lists every model that exists."
          />
        ) : (
          <Callout
            tone="error"
            title="Could not load the model"
            actions={
              <Button variant="secondary" size="sm" onClick={() => void state.refetch()}>
                Retry
              </Button>
            }
          >
            {errorReason(state.error)}
          </Callout>
        )}
      </>
    );
  }
  return <ModelView model={state.data} />;
}

function ModelView({ model }: { model: ModelDetail }) {
  const [dialog, setDialog] = useState<DialogName>(null);
  const closeWith = (name: Exclude<DialogName, null>) => (open: boolean) => {
    setDialog(open ? name : null);
  };
  const family = familyNamed(useFamilies(), model.framework);
  const seriesLabels = useSeriesLabels();
  // The family's metadata says what its models can do here.
  const canExport = (family?.export_formats.length ?? 0) > 0;
  const canEvaluate = family?.evaluates ?? false;
  const hasMetrics = Object.keys(model.metrics).length > 0;

  return (
    <>
      <header className="mb-6 space-y-3">
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div className="min-w-0 flex-1">
            <div className="flex items-center gap-2">
              <NameEditor key={model.name} modelId={model.id} name={model.name} />
              <SourceBadge source={model.source} />
            </div>
            <p className="mt-1 text-sm text-slate-500">
              {architectureLabel(model, seriesLabels)}
              {model.model_arch !== null && ` (${model.model_arch})`} · {taskLabel(model.task)} ·{' '}
              {model.num_classes} class{model.num_classes === 1 ? '' : 'es'}
              {model.image_size !== null && ` · ${model.image_size} px`}
            </p>
          </div>
          <div className="flex flex-wrap gap-2">
            <a
              href={weightsDownloadUrl(model.id)}
              download
              className="inline-flex h-9 items-center gap-2 rounded-md bg-white px-3.5 text-sm font-medium text-slate-700 shadow-sm ring-1 ring-slate-300 ring-inset hover:bg-slate-50"
            >
              <Download className="size-4" aria-hidden="true" />
              Weights · {formatBytes(model.size_bytes)}
            </a>
            <Button
              variant="secondary"
              disabled={!canEvaluate}
              onClick={() => {
                setDialog('evaluate');
              }}
            >
              <FlaskConical className="size-4" aria-hidden="true" />
              Evaluate
            </Button>
            <Button
              disabled={!canExport}
              onClick={() => {
                setDialog('export');
              }}
            >
              <PackageOpen className="size-4" aria-hidden="true" />
              Export
            </Button>
            <Button
              variant="ghost"
              className="text-red-600 hover:bg-red-50 hover:text-red-700"
              onClick={() => {
                setDialog('delete');
              }}
            >
              <Trash2 className="size-4" aria-hidden="true" />
              Delete
            </Button>
          </div>
        </div>
        <TagEditor modelId={model.id} tags={model.tags} />
      </header>

      <div className="space-y-6">
        <Card
          title="Metrics"
          description={
            model.source === 'trained'
              ? 'Validation of the best epoch, at the end of training.'
              : 'As stored in the imported checkpoint.'
          }
        >
          {hasMetrics ? (
            <MetricCards metrics={model.metrics} />
          ) : (
            <p className="text-sm text-slate-500">
              These weights carry no metrics. Evaluate the model on a dataset split to measure it.
            </p>
          )}
        </Card>

        {model.session_id !== null && (
          <Card title="Training curves" description="Loss and mAP per epoch of the training run.">
            <TrainingCurves sessionId={model.session_id} />
          </Card>
        )}

        <Card title="Details and lineage">
          <LineagePanel model={model} />
        </Card>

        <Card
          title="Evaluations"
          description="Validation on dataset splits, newest first."
          actions={
            <Button
              variant="secondary"
              size="sm"
              disabled={!canEvaluate}
              onClick={() => {
                setDialog('evaluate');
              }}
            >
              Evaluate
            </Button>
          }
        >
          <EvaluationsTable evaluations={model.evaluations} />
        </Card>

        <Card
          title="Exports"
          description="Deployment formats of these weights, newest first."
          actions={
            <Button
              variant="secondary"
              size="sm"
              disabled={!canExport}
              onClick={() => {
                setDialog('export');
              }}
            >
              Export
            </Button>
          }
        >
          <ExportsTable modelId={model.id} exports={model.exports} />
        </Card>
      </div>

      <EvaluateDialog
        model={model}
        open={dialog === 'evaluate'}
        onOpenChange={closeWith('evaluate')}
      />
      <ExportDialog model={model} open={dialog === 'export'} onOpenChange={closeWith('export')} />
      <DeleteModelDialog
        model={model}
        open={dialog === 'delete'}
        onOpenChange={closeWith('delete')}
      />
    </>
  );
}
