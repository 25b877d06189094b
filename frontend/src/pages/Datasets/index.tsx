import { Database, Plus, RefreshCw } from 'lucide-react';
import { useCallback, useRef, useState } from 'react';

import { Button } from '@/components/common/Button';
import { EmptyState } from '@/components/common/EmptyState';
import { Loader } from '@/components/common/Loader';
import { PageHeader } from '@/components/common/PageHeader';
import { Callout } from '@/components/common/Callout';
import { DatasetTable } from '@/components/datasets/DatasetTable';
import { DeleteDatasetDialog } from '@/components/datasets/DeleteDatasetDialog';
import { ImportDatasetDialog } from '@/components/datasets/ImportDatasetDialog';
import { ImportJobWatcher } from '@/components/datasets/ImportJobWatcher';
import { StorageUsage } from '@/components/datasets/StorageUsage';
import { useDatasets } from '@/hooks/useDatasets';
import type { Dataset, DatasetJob } from '@/services/datasets.service';
import { errorMessage } from '@/services/errors';
import { showToast } from '@/store/uiStore';

interface FailedUpload {
  jobId: string;
  name: string;
  reason: string;
}

/** Uploads whose extraction is still running: a failure removes the dataset, so the job tells why. */
function useUploadJobs() {
  const [watched, setWatched] = useState<{ jobId: string; name: string }[]>([]);
  const [failed, setFailed] = useState<FailedUpload[]>([]);
  const names = useRef(new Map<string, string>());

  const watch = useCallback((dataset: Dataset) => {
    const { job_id: jobId } = dataset;
    if (jobId === null) return;
    names.current.set(jobId, dataset.name);
    setWatched((current) => [...current, { jobId, name: dataset.name }]);
  }, []);

  const onEnded = useCallback((job: DatasetJob) => {
    const name = names.current.get(job.id);
    if (name === undefined) return;
    names.current.delete(job.id);
    setWatched((current) => current.filter((item) => item.jobId !== job.id));
    if (job.status === 'completed' || job.dataset_exists) return;
    const reason = job.error ?? job.message ?? `The import ended with status ${job.status}.`;
    setFailed((list) => [...list, { jobId: job.id, name, reason }]);
    showToast({ title: `“${name}” was not imported`, description: reason, variant: 'error' });
  }, []);

  const dismiss = useCallback((jobId: string) => {
    setFailed((list) => list.filter((item) => item.jobId !== jobId));
  }, []);

  return { watched, failed, watch, onEnded, dismiss };
}

export default function DatasetsPage() {
  const datasets = useDatasets();
  const [importOpen, setImportOpen] = useState(false);
  const [toDelete, setToDelete] = useState<Dataset | null>(null);
  const uploads = useUploadJobs();
  const list = datasets.data;

  const importButton = (
    <Button
      onClick={() => {
        setImportOpen(true);
      }}
    >
      <Plus className="size-4" aria-hidden="true" />
      Import dataset
    </Button>
  );

  return (
    <section data-testid="page-datasets">
      <PageHeader
        title="Datasets"
        description="Crack segmentation datasets for training and validation."
        actions={
          <div className="flex flex-wrap items-center gap-3">
            {list !== undefined && (
              <StorageUsage usedBytes={list.used_bytes} quotaBytes={list.quota_bytes} />
            )}
            {importButton}
          </div>
        }
      />

      {uploads.watched.map((item) => (
        <ImportJobWatcher key={item.jobId} jobId={item.jobId} onEnded={uploads.onEnded} />
      ))}
      {uploads.failed.length > 0 && (
        <div className="mb-4 space-y-2">
          {uploads.failed.map((item) => (
            <Callout
              key={item.jobId}
              tone="error"
              title={`“${item.name}” was not imported`}
              actions={
                <Button
                  variant="secondary"
                  size="sm"
                  onClick={() => {
                    uploads.dismiss(item.jobId);
                  }}
                >
                  Dismiss
                </Button>
              }
            >
              {item.reason}
            </Callout>
          ))}
        </div>
      )}

      {datasets.isPending && <Loader label="Loading datasets…" className="py-10" />}
      {datasets.isError && (
        <Callout
          tone="error"
          title="Could not load the datasets"
          actions={
            <Button
              variant="secondary"
              size="sm"
              onClick={() => {
                void datasets.refetch();
              }}
            >
              <RefreshCw className="size-3.5" aria-hidden="true" />
              Retry
            </Button>
          }
        >
          {errorMessage(datasets.error)}
        </Callout>
      )}
      {list?.items.length === 0 && (
        <EmptyState
          icon={Database}
          title="No datasets yet"
          description="Import a crack segmentation dataset from Roboflow or upload a zip in YOLO-seg or COCO format. It will be listed here with its splits, image counts and validation results."
        >
          {importButton}
        </EmptyState>
      )}
      {list !== undefined && list.items.length > 0 && (
        <DatasetTable datasets={list.items} onDelete={setToDelete} />
      )}

      <ImportDatasetDialog
        open={importOpen}
        onOpenChange={setImportOpen}
        onUploaded={uploads.watch}
      />
      <DeleteDatasetDialog
        dataset={toDelete}
        onClose={() => {
          setToDelete(null);
        }}
      />
    </section>
  );
}
