import { FileArchive, UploadCloud, X } from 'lucide-react';
import { useState } from 'react';
import { useDropzone, type FileRejection } from 'react-dropzone';

import { Button } from '@/components/common/Button';
import { ProgressBar } from '@/components/common/ProgressBar';
import { useZipUpload } from '@/hooks/useDatasets';
import type { Dataset } from '@/services/datasets.service';
import { cn } from '@/utils/cn';

import { Callout } from '@/components/common/Callout';
import { formatBytes } from './format';
import { FormField } from '@/components/common/FormField';
import { describeUploadError } from './uploadErrors';

const ZIP_TYPES = {
  'application/zip': ['.zip'],
  'application/x-zip-compressed': ['.zip'],
  'application/x-zip': ['.zip'],
};

function rejectionMessage(rejections: readonly FileRejection[]): string {
  if (rejections.length > 1) return 'Drop one zip file at a time.';
  const codes = rejections.flatMap((rejection) => rejection.errors.map((error) => error.code));
  if (codes.includes('file-invalid-type')) return 'Only .zip files can be uploaded.';
  return rejections[0]?.errors[0]?.message ?? 'This file cannot be uploaded.';
}

export interface ZipUploadPanelProps {
  onUploaded: (dataset: Dataset) => void;
}

export function ZipUploadPanel({ onUploaded }: ZipUploadPanelProps) {
  const [name, setName] = useState('');
  const [rejection, setRejection] = useState<string | null>(null);
  const upload = useZipUpload(onUploaded);
  const { state } = upload;
  const uploading = state.phase === 'uploading';

  const { getRootProps, getInputProps, isDragActive } = useDropzone({
    accept: ZIP_TYPES,
    multiple: false,
    disabled: uploading,
    onDrop: (accepted, rejected) => {
      const file = accepted[0];
      if (rejected.length > 0 || file === undefined) {
        setRejection(rejectionMessage(rejected));
        return;
      }
      setRejection(null);
      void upload.start(file, name);
    },
  });

  const refusal = state.phase === 'failed' ? describeUploadError(state.error) : null;

  return (
    <div className="space-y-4">
      <FormField label="Dataset name" optional hint="Defaults to the zip's file name.">
        {(control) => (
          <input
            {...control}
            name="upload-name"
            autoComplete="off"
            value={name}
            disabled={uploading}
            onChange={(event) => {
              setName(event.target.value);
            }}
          />
        )}
      </FormField>

      {uploading ? (
        <UploadProgressView
          file={state.file}
          loaded={state.progress.loaded}
          total={state.progress.total}
          onCancel={upload.cancel}
        />
      ) : (
        <div
          {...getRootProps({
            'aria-label': 'Dataset zip drop zone',
            'data-testid': 'dataset-dropzone',
          })}
          className={cn(
            'flex cursor-pointer flex-col items-center justify-center rounded-lg border-2 border-dashed px-6 py-8 text-center transition-colors',
            'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600',
            isDragActive
              ? 'border-sky-500 bg-sky-50'
              : 'border-slate-300 bg-slate-50 hover:border-slate-400 hover:bg-slate-100/60',
          )}
        >
          <input {...getInputProps({ 'aria-label': 'Choose a dataset zip' })} />
          <UploadCloud
            className={cn('size-8', isDragActive ? 'text-sky-600' : 'text-slate-400')}
            aria-hidden="true"
          />
          <p className="mt-3 text-sm font-medium text-slate-900">
            {isDragActive
              ? 'Drop the zip to upload it'
              : 'Drop a dataset zip here, or click to choose one'}
          </p>
          <p className="mt-1 max-w-sm text-xs leading-5 text-slate-500">
            YOLO segmentation (data.yaml with train/val/test folders) or COCO segmentation
            (_annotations.coco.json per split). Roboflow exports work as they are.
          </p>
        </div>
      )}

      {rejection !== null && <Callout tone="error" title={rejection} />}
      {refusal !== null && (
        <Callout tone="error" title={refusal.title}>
          {refusal.detail}
        </Callout>
      )}
    </div>
  );
}

interface UploadProgressViewProps {
  file: File;
  loaded: number;
  total: number;
  onCancel: () => void;
}

function UploadProgressView({ file, loaded, total, onCancel }: UploadProgressViewProps) {
  const percent = total > 0 ? Math.min(100, Math.round((loaded / total) * 100)) : 0;
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4" data-testid="upload-progress">
      <div className="flex items-center gap-3">
        <div className="flex size-9 shrink-0 items-center justify-center rounded-md bg-sky-50">
          <FileArchive className="size-5 text-sky-600" aria-hidden="true" />
        </div>
        <div className="min-w-0 flex-1">
          <p className="truncate text-sm font-medium text-slate-900">{file.name}</p>
          <p className="text-xs text-slate-500 tabular-nums">
            {percent >= 100
              ? 'Uploaded; the server is checking the zip…'
              : `${formatBytes(loaded)} of ${formatBytes(total)} · ${percent}%`}
          </p>
        </div>
        <Button variant="secondary" size="sm" onClick={onCancel}>
          <X className="size-3.5" aria-hidden="true" />
          Cancel upload
        </Button>
      </div>
      <ProgressBar className="mt-3" value={loaded} max={total} label="Upload progress" />
      <p className="mt-2 text-xs text-slate-400">Closing this dialog cancels the upload.</p>
    </div>
  );
}
