import { useQueryClient } from '@tanstack/react-query';
import { FileBox, UploadCloud } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { useDropzone, type FileRejection } from 'react-dropzone';

import { Button } from '@/components/common/Button';
import { ProgressBar } from '@/components/common/ProgressBar';
import { isJobRunning } from '@/hooks/useJob';
import { modelKeys, useImportJob, useModelUpload } from '@/hooks/useModels';
import { MODEL_LIMITS, type ModelImportJob } from '@/services/models.service';
import { errorReason } from '@/services/errors';
import { cn } from '@/utils/cn';

import { Dialog } from './Dialog';
import { FormField } from '@/components/common/FormField';
import { formatBytes, formatPercent } from './format';
import { Callout } from '@/components/common/Callout';

export interface ImportModelDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The worker accepted the file and registered it as a model. */
  onImported: (job: ModelImportJob) => void;
}

const PT_TYPES = { 'application/octet-stream': ['.pt'] };

function rejectionMessage(rejections: readonly FileRejection[]): string {
  if (rejections.length > 1) return 'Drop one .pt file at a time.';
  const codes = rejections.flatMap((rejection) => rejection.errors.map((error) => error.code));
  if (codes.includes('file-invalid-type'))
    return 'Only Ultralytics weights (.pt files) can be imported.';
  return rejections[0]?.errors[0]?.message ?? 'This file cannot be imported.';
}

export function ImportModelDialog({ open, onOpenChange, onImported }: ImportModelDialogProps) {
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title="Import a model"
      description="Ultralytics weights (.pt) of a segmentation or detection model. The file is checked in a worker before it is registered."
    >
      {open && <ImportForm onImported={onImported} />}
    </Dialog>
  );
}

function ImportForm({ onImported }: { onImported: (job: ModelImportJob) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [rejection, setRejection] = useState<string | null>(null);
  const upload = useModelUpload();
  const { state } = upload;
  const jobId = state.phase === 'uploaded' ? state.job.job_id : null;
  const importJob = useImportJob(jobId);
  const job = importJob.data ?? (state.phase === 'uploaded' ? state.job : undefined);
  const checking = state.phase === 'uploaded' && (job === undefined || isJobRunning(job.status));
  const busy = state.phase === 'uploading' || checking;

  const onImportedRef = useRef(onImported);
  useEffect(() => {
    onImportedRef.current = onImported;
  }, [onImported]);
  const finishedRef = useRef<string | null>(null);
  useEffect(() => {
    if (job?.status !== 'completed' || finishedRef.current === job.job_id) return;
    finishedRef.current = job.job_id;
    void queryClient.invalidateQueries({ queryKey: modelKeys.lists() });
    onImportedRef.current(job);
  }, [job, queryClient]);

  const { getRootProps, getInputProps, isDragActive } = useDropzone({
    accept: PT_TYPES,
    multiple: false,
    disabled: busy,
    onDrop: (accepted, rejected) => {
      const file = accepted[0];
      if (rejected.length > 0 || file === undefined) {
        setRejection(rejectionMessage(rejected));
        return;
      }
      if (!file.name.toLowerCase().endsWith('.pt')) {
        setRejection('Only Ultralytics weights (.pt files) can be imported.');
        return;
      }
      setRejection(null);
      void upload.start(file, name);
    },
  });

  const refused =
    state.phase === 'uploaded' &&
    job !== undefined &&
    !isJobRunning(job.status) &&
    job.status !== 'completed';

  return (
    <div className="space-y-4">
      <FormField label="Model name" optional hint="Defaults to the file name.">
        {(control) => (
          <input
            {...control}
            name="model-name"
            autoComplete="off"
            maxLength={MODEL_LIMITS.nameMaxLength}
            value={name}
            disabled={busy}
            onChange={(event) => {
              setName(event.target.value);
            }}
          />
        )}
      </FormField>

      <div
        {...getRootProps({
          'aria-label': 'Drop a .pt file here or click to choose one',
          'aria-disabled': busy,
        })}
        data-testid="model-dropzone"
        className={cn(
          'flex cursor-pointer flex-col items-center justify-center rounded-xl border-2 border-dashed px-6 py-8 text-center transition-colors',
          isDragActive
            ? 'border-sky-400 bg-sky-50'
            : 'border-slate-300 hover:border-sky-300 hover:bg-slate-50',
          busy && 'cursor-not-allowed opacity-60',
        )}
      >
        <input {...getInputProps()} />
        <UploadCloud className="size-8 text-slate-400" aria-hidden="true" />
        <p className="mt-2 text-sm font-medium text-slate-700">
          {isDragActive ? 'Drop the file to upload it' : 'Drag a .pt file here, or click to choose'}
        </p>
        <p className="mt-1 text-xs text-slate-500">
          YOLOv8 / YOLO11 / YOLOv9 weights trained for segmentation or detection.
        </p>
      </div>

      {rejection !== null && <Callout tone="error">{rejection}</Callout>}

      {state.phase === 'uploading' && (
        <div className="rounded-lg border border-slate-200 p-3" data-testid="import-upload">
          <FileLine file={state.file} />
          <ProgressBar
            className="mt-2"
            value={state.progress.loaded}
            max={state.progress.total || state.file.size}
            label="Upload progress"
            showValue
          />
          <div className="mt-2 flex justify-end">
            <Button variant="secondary" size="sm" onClick={upload.cancel}>
              Cancel upload
            </Button>
          </div>
        </div>
      )}

      {state.phase === 'failed' && (
        <Callout tone="error" title={`${state.file.name} was not uploaded`}>
          {errorReason(state.error)}
        </Callout>
      )}

      {state.phase === 'uploaded' && checking && job !== undefined && (
        <div className="rounded-lg border border-slate-200 p-3" data-testid="import-check">
          <FileLine file={state.file} />
          <ProgressBar className="mt-2" value={job.progress} max={1} label="Check progress" />
          <p className="mt-1 text-xs text-slate-500">
            {job.status === 'queued'
              ? 'Waiting for a worker…'
              : (job.message ?? 'Checking the file…')}{' '}
            <span className="tabular-nums">{formatPercent(job.progress)}</span>
          </p>
        </div>
      )}

      {importJob.isError && (
        <Callout tone="error">Could not follow the check: {errorReason(importJob.error)}</Callout>
      )}

      {refused && (
        <Callout
          tone="error"
          title={`${state.file.name} was refused`}
          testId="import-refusal"
          actions={
            <Button variant="secondary" size="sm" onClick={upload.reset}>
              Choose another file
            </Button>
          }
        >
          {job.error ?? `The check ended: ${job.status}.`}
        </Callout>
      )}

      {state.phase === 'uploaded' && job?.status === 'completed' && (
        <Callout tone="success" title="Model registered">
          {state.file.name} is now in the registry.
        </Callout>
      )}
    </div>
  );
}

function FileLine({ file }: { file: File }) {
  return (
    <p className="flex items-center gap-2 text-sm text-slate-700">
      <FileBox className="size-4 text-slate-400" aria-hidden="true" />
      <span className="truncate font-medium">{file.name}</span>
      <span className="text-xs text-slate-500 tabular-nums">{formatBytes(file.size)}</span>
    </p>
  );
}
