import { ImagePlus, Link2, X } from 'lucide-react';
import { useDropzone } from 'react-dropzone';

import { ACCEPTED_IMAGE_TYPES } from '@/services/prediction.service';
import { cn } from '@/utils/cn';

/** The most images one run takes (each is one request; larger sets belong in a dataset). */
export const MAX_FILES = 50;
export const MAX_FILE_BYTES = 200 * 1024 * 1024;

export interface ImageUploaderProps {
  files: File[];
  onFilesChange: (files: File[]) => void;
  url: string;
  onUrlChange: (url: string) => void;
  disabled?: boolean;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Drop or pick photos (JPEG, PNG, TIFF, BMP, WebP), or give the URL of one image. */
export function ImageUploader({
  files,
  onFilesChange,
  url,
  onUrlChange,
  disabled = false,
}: ImageUploaderProps) {
  const { getRootProps, getInputProps, isDragActive, fileRejections } = useDropzone({
    accept: ACCEPTED_IMAGE_TYPES,
    maxFiles: MAX_FILES,
    maxSize: MAX_FILE_BYTES,
    disabled,
    onDropAccepted: (accepted) => {
      onFilesChange([...files, ...accepted].slice(0, MAX_FILES));
      onUrlChange('');
    },
  });
  const rejected = fileRejections.map(({ file, errors }) => ({
    name: file.name,
    reason: errors[0]?.message ?? 'refused',
  }));

  return (
    <div className="space-y-3">
      <div
        {...getRootProps()}
        data-testid="image-dropzone"
        className={cn(
          'flex cursor-pointer flex-col items-center rounded-lg border-2 border-dashed px-4 py-6 text-center transition-colors',
          isDragActive ? 'border-sky-500 bg-sky-50' : 'border-slate-300 hover:border-sky-400',
          disabled && 'cursor-not-allowed opacity-60',
        )}
      >
        <input {...getInputProps()} aria-label="Images" />
        <ImagePlus className="size-7 text-slate-400" aria-hidden="true" />
        <p className="mt-2 text-sm font-medium text-slate-700">
          {isDragActive ? 'Drop the images here' : 'Drop photos here, or click to choose'}
        </p>
        <p className="mt-1 text-xs text-slate-500">
          JPEG, PNG, TIFF, BMP or WebP; up to {MAX_FILES} images
        </p>
      </div>
      {rejected.length > 0 && (
        <ul role="alert" className="space-y-0.5 text-xs text-red-600">
          {rejected.map((item) => (
            <li key={item.name}>
              {item.name}: {item.reason}
            </li>
          ))}
        </ul>
      )}
      {files.length > 0 && (
        <ul aria-label="Chosen images" className="max-h-40 space-y-1 overflow-y-auto text-sm">
          {files.map((file, index) => (
            <li
              key={`${index}-${file.name}`}
              className="flex items-center justify-between gap-2 rounded bg-slate-50 px-2 py-1"
            >
              <span className="truncate text-slate-700">{file.name}</span>
              <span className="flex shrink-0 items-center gap-2 text-xs text-slate-500">
                {formatBytes(file.size)}
                <button
                  type="button"
                  aria-label={`Remove ${file.name}`}
                  disabled={disabled}
                  className="rounded p-0.5 hover:bg-slate-200"
                  onClick={() => {
                    onFilesChange(files.filter((_, i) => i !== index));
                  }}
                >
                  <X className="size-3.5" aria-hidden="true" />
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      <label className="block">
        <span className="flex items-center gap-1.5 text-xs font-medium text-slate-600">
          <Link2 className="size-3.5" aria-hidden="true" /> Or an image URL
        </span>
        <input
          type="url"
          value={url}
          disabled={disabled}
          maxLength={2048}
          placeholder="https://example.com/wall.jpg"
          className="mt-1 w-full rounded-md border border-slate-300 px-2.5 py-1.5 text-sm focus:border-sky-500 focus:outline-none"
          onChange={(event) => {
            onUrlChange(event.target.value);
            if (event.target.value !== '') onFilesChange([]);
          }}
        />
      </label>
    </div>
  );
}
