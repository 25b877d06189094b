import { Download, GitCommitHorizontal, Trash2 } from 'lucide-react';
import { useState, type SubmitEvent } from 'react';

import { Button } from '@/components/common/Button';
import { Callout } from '@/components/common/Callout';
import { Card } from '@/components/common/Card';
import { InlineConfirm } from '@/components/common/InlineConfirm';
import { Loader } from '@/components/common/Loader';
import { Table, type Column } from '@/components/common/Table';
import { useCreateVersion, useDatasetVersions, useDeleteVersion } from '@/hooks/useDatasetVersions';
import {
  VERSION_FORMATS,
  versionDownloadUrl,
  type DatasetVersion,
  type VersionDownloadFormat,
} from '@/services/datasetVersions.service';
import { errorMessage, errorReason } from '@/services/errors';

import { formatCount, formatDateTime, orderedSplits, splitLabel } from './format';
import { changeSummary } from './versionFormat';

const MAX_MESSAGE_LENGTH = 2000;

function splitCounts(version: DatasetVersion): string {
  return orderedSplits(version.counts.splits)
    .map(([split, count]) => `${splitLabel(split)} ${count.images}/${count.instances}`)
    .join(' · ');
}

interface Props {
  datasetId: string;
}

/** The dataset's immutable versions: create one from the working copy, download, delete. */
export function VersionsPanel({ datasetId }: Props) {
  const versions = useDatasetVersions(datasetId);
  const create = useCreateVersion(datasetId);
  const remove = useDeleteVersion(datasetId);
  const [message, setMessage] = useState('');
  const [format, setFormat] = useState<VersionDownloadFormat>('yolo-seg');
  const [confirming, setConfirming] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<{ id: string; reason: string } | null>(null);

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate(message.trim(), {
      onSuccess: () => {
        setMessage('');
      },
    });
  };

  const columns: Column<DatasetVersion>[] = [
    {
      key: 'number',
      header: 'Version',
      rowHeader: true,
      cell: (version) => <span className="font-medium">v{version.number}</span>,
    },
    {
      key: 'message',
      header: 'Message',
      cell: (version) => (
        <span>
          {version.message === '' ? <span className="text-slate-400">—</span> : version.message}
          <span className="block text-xs text-slate-500">{formatDateTime(version.created_at)}</span>
        </span>
      ),
    },
    {
      key: 'counts',
      header: 'Images / instances',
      cell: (version) => (
        <span>
          {formatCount(version.counts.images)} / {formatCount(version.counts.instances)}
          <span className="block text-xs text-slate-500">{splitCounts(version)}</span>
        </span>
      ),
    },
    {
      key: 'changes',
      header: 'Changes',
      cell: (version) => (
        <span className="text-xs text-slate-600">
          {version.changes.previous_number === null
            ? 'First version'
            : `vs v${version.changes.previous_number}: `}
          {version.changes.previous_number !== null && changeSummary(version.changes)}
        </span>
      ),
    },
    {
      key: 'models',
      header: 'Trained models',
      cell: (version) =>
        version.models.length === 0 ? (
          <span className="text-slate-400">—</span>
        ) : (
          <span className="text-xs">{version.models.join(', ')}</span>
        ),
    },
    {
      key: 'actions',
      header: 'Actions',
      hideHeader: true,
      align: 'right',
      cell: (version) =>
        confirming === version.id ? (
          <InlineConfirm
            label="Delete"
            message={`Delete v${version.number}?`}
            pending={remove.isPending}
            onCancel={() => {
              setConfirming(null);
            }}
            onConfirm={() => {
              remove.mutate(version.id, {
                onSuccess: () => {
                  setConfirming(null);
                },
                onError: (error) => {
                  setConfirming(null);
                  setRefusal({ id: version.id, reason: errorReason(error) });
                },
              });
            }}
          />
        ) : (
          <span className="inline-flex items-center gap-1.5">
            <a
              href={versionDownloadUrl(datasetId, version.id, format)}
              download
              className="inline-flex h-8 items-center gap-1.5 rounded-md px-2.5 text-xs font-medium text-sky-700 hover:bg-sky-50"
              aria-label={`Download v${version.number} as ${format}`}
            >
              <Download className="size-4" aria-hidden="true" />
              Download
            </a>
            <Button
              size="sm"
              variant="dangerGhost"
              aria-label={`Delete v${version.number}`}
              onClick={() => {
                setRefusal(null);
                setConfirming(version.id);
              }}
            >
              <Trash2 className="size-4" aria-hidden="true" />
            </Button>
          </span>
        ),
    },
  ];

  return (
    <Card
      title="Versions"
      description="Immutable snapshots of the working copy: train on one, download it, compare counts."
      data-testid="dataset-versions"
      actions={
        <label className="flex items-center gap-2 text-xs text-slate-600">
          Download as
          <select
            aria-label="Download format"
            className="h-8 rounded-md border border-slate-300 px-2 text-sm"
            value={format}
            onChange={(event) => {
              setFormat(event.target.value as VersionDownloadFormat);
            }}
          >
            {VERSION_FORMATS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
      }
    >
      <div className="space-y-4">
        <form onSubmit={submit} className="flex flex-wrap items-end gap-2">
          <label className="flex min-w-64 flex-1 flex-col gap-1 text-xs font-medium text-slate-600">
            Message
            <input
              className="h-9 rounded-md border border-slate-300 px-3 text-sm"
              value={message}
              maxLength={MAX_MESSAGE_LENGTH}
              placeholder="What changed, e.g. corrected 12 predicted masks"
              onChange={(event) => {
                setMessage(event.target.value);
              }}
            />
          </label>
          <Button type="submit" disabled={create.isPending}>
            <GitCommitHorizontal className="size-4" aria-hidden="true" />
            {create.isPending ? 'Creating…' : 'Create version'}
          </Button>
        </form>
        {create.isError && (
          <p role="alert" className="text-sm text-red-600">
            {errorMessage(create.error)}
          </p>
        )}
        {refusal !== null && (
          <Callout tone="error" title="The version was not deleted">
            {refusal.reason}
          </Callout>
        )}
        {versions.isPending && <Loader label="Loading versions…" />}
        {versions.isError && (
          <p role="alert" className="text-sm text-red-600">
            {errorMessage(versions.error)}
          </p>
        )}
        {versions.data !== undefined && (
          <Table
            label="Dataset versions"
            variant="compact"
            columns={columns}
            rows={versions.data.items}
            rowKey={(version) => version.id}
            empty={
              <p className="py-4 text-sm text-slate-500">
                No versions yet: create one to train on a fixed snapshot.
              </p>
            }
          />
        )}
      </div>
    </Card>
  );
}
