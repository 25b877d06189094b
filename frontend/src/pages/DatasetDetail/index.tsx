import { ArrowLeft, ClipboardCheck, FileSearch, RefreshCw, Sparkles, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';

import { Button } from '@/components/common/Button';
import { EmptyState } from '@/components/common/EmptyState';
import { Loader } from '@/components/common/Loader';
import { PageHeader } from '@/components/common/PageHeader';
import { Callout } from '@/components/common/Callout';
import { DatasetMeta, DatasetOverview } from '@/components/datasets/DatasetOverview';
import { DeleteDatasetDialog } from '@/components/datasets/DeleteDatasetDialog';
import { EnhanceDatasetDialog } from '@/components/datasets/EnhanceDatasetDialog';
import { ImportProgressCard } from '@/components/datasets/ImportProgressCard';
import { ImageGrid } from '@/components/datasets/ImageGrid';
import { DatasetStatsSection } from '@/components/datasets/DatasetStatsSection';
import { ValidationReportPanel } from '@/components/datasets/ValidationReportPanel';
import { VersionsPanel } from '@/components/datasets/VersionsPanel';
import { useDataset, useValidateDataset } from '@/hooks/useDatasets';
import { isInProgress, type DatasetDetail } from '@/services/datasets.service';
import { errorMessage, errorReason, hasStatus } from '@/services/errors';

function BackLink() {
  return (
    <Link
      to="/datasets"
      className="mb-3 inline-flex items-center gap-1.5 text-sm font-medium text-slate-500 hover:text-slate-900"
    >
      <ArrowLeft className="size-4" aria-hidden="true" />
      Datasets
    </Link>
  );
}

function DatasetContent({ dataset }: { dataset: DatasetDetail }) {
  const navigate = useNavigate();
  const [deleting, setDeleting] = useState(false);
  const [enhancing, setEnhancing] = useState(false);
  const validation = useValidateDataset(dataset.id);
  const ready = dataset.status === 'ready';
  const validateError = validation.error === null ? null : errorReason(validation.error);

  const report = (
    <ValidationReportPanel
      report={dataset.validation}
      canValidate={ready}
      validating={validation.isPending}
      validateError={validateError}
      onValidate={() => {
        validation.mutate();
      }}
    />
  );

  return (
    <>
      <PageHeader
        title={dataset.name}
        description={<DatasetMeta dataset={dataset} />}
        actions={
          <div className="flex gap-2">
            {ready && (
              <Link
                to={`/datasets/${dataset.id}/review`}
                className="inline-flex h-9 items-center gap-2 rounded-md bg-white px-3.5 text-sm font-medium text-slate-700 shadow-sm ring-1 ring-slate-300 ring-inset hover:bg-slate-50"
              >
                <ClipboardCheck className="size-4" aria-hidden="true" />
                Review queue
              </Link>
            )}
            <Button
              variant="secondary"
              disabled={!ready}
              onClick={() => {
                setEnhancing(true);
              }}
            >
              <Sparkles className="size-4" aria-hidden="true" />
              Enhance contrast (CLAHE)
            </Button>
            <Button
              variant="secondary"
              className="text-red-600 hover:bg-red-50"
              onClick={() => {
                setDeleting(true);
              }}
            >
              <Trash2 className="size-4" aria-hidden="true" />
              Delete
            </Button>
          </div>
        }
      />
      <div className="space-y-6">
        {isInProgress(dataset.status) && <ImportProgressCard dataset={dataset} />}
        {dataset.status === 'failed' && (
          <Callout tone="error" title="The import failed">
            {dataset.error ?? 'No reason was recorded.'}
          </Callout>
        )}
        <DatasetOverview dataset={dataset} />
        {ready ? (
          <DatasetStatsSection
            datasetId={dataset.id}
            classNames={dataset.class_names}
            aside={report}
          />
        ) : (
          dataset.validation !== null && report
        )}
        {ready && (
          <ImageGrid
            datasetId={dataset.id}
            splits={dataset.splits}
            imageCount={dataset.image_count}
          />
        )}
        {ready && <VersionsPanel datasetId={dataset.id} />}
      </div>
      <EnhanceDatasetDialog
        datasetId={dataset.id}
        datasetName={dataset.name}
        open={enhancing}
        onOpenChange={setEnhancing}
      />
      <DeleteDatasetDialog
        dataset={deleting ? dataset : null}
        onClose={() => {
          setDeleting(false);
        }}
        onDeleted={() => {
          void navigate('/datasets');
        }}
      />
    </>
  );
}

export default function DatasetDetailPage() {
  const { id = '' } = useParams();
  const dataset = useDataset(id);
  const missing = hasStatus(dataset.error, 404);

  return (
    <section data-testid="page-dataset-detail">
      <BackLink />
      {dataset.data !== undefined ? (
        <DatasetContent dataset={dataset.data} />
      ) : (
        <>
          <PageHeader title="Dataset" />
          {dataset.isPending && <Loader label="Loading the dataset…" className="py-10" />}
          {missing && (
            <EmptyState
              icon={FileSearch}
              title="Dataset not found"
              description={`There is no dataset with id “${id}”. It may have been deleted.`}
            >
              <Link
                to="/datasets"
                className="inline-flex items-center gap-1.5 text-sm font-medium text-sky-700 hover:text-sky-600"
              >
                <ArrowLeft className="size-4" aria-hidden="true" />
                Back to datasets
              </Link>
            </EmptyState>
          )}
          {dataset.isError && !missing && (
            <Callout
              tone="error"
              title="Could not load the dataset"
              actions={
                <Button
                  variant="secondary"
                  size="sm"
                  onClick={() => {
                    void dataset.refetch();
                  }}
                >
                  <RefreshCw className="size-3.5" aria-hidden="true" />
                  Retry
                </Button>
              }
            >
              {errorMessage(dataset.error)}
            </Callout>
          )}
        </>
      )}
    </section>
  );
}
