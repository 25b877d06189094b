import { ArrowLeft, Check, ChevronRight, PencilLine } from 'lucide-react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';

import { Button } from '@/components/common/Button';
import { Callout } from '@/components/common/Callout';
import { Card } from '@/components/common/Card';
import { EmptyState } from '@/components/common/EmptyState';
import { Loader } from '@/components/common/Loader';
import { PageHeader } from '@/components/common/PageHeader';
import { Table, type Column } from '@/components/common/Table';
import { splitLabel } from '@/components/datasets/format';
import { useAcceptImage, useReviewQueue } from '@/hooks/useAnnotations';
import { useDataset } from '@/hooks/useDatasets';
import type { ReviewQueueItem } from '@/services/annotations.service';
import { errorMessage } from '@/services/errors';
import { cn } from '@/utils/cn';

/** Images the queue shows at once (the server orders them, least confident first). */
export const REVIEW_PAGE_SIZE = 100;

function score(value: number | null): string {
  return value === null ? '—' : value.toFixed(2);
}

const COLUMNS: readonly Column<ReviewQueueItem>[] = [
  { key: 'file', header: 'Image', rowHeader: true, cell: (item) => item.file_name },
  { key: 'split', header: 'Split', cell: (item) => splitLabel(item.split) },
  { key: 'instances', header: 'Instances', align: 'right', cell: (item) => item.instance_count },
  { key: 'score', header: 'Lowest score', align: 'right', cell: (item) => score(item.min_score) },
  {
    key: 'disagreement',
    header: 'Model disagreement',
    align: 'right',
    cell: (item) => score(item.disagreement),
  },
  {
    key: 'status',
    header: 'Status',
    cell: (item) =>
      item.reviewed ? (
        <span className="text-emerald-700">Reviewed</span>
      ) : (
        <span className="text-amber-700">To review</span>
      ),
  },
];

function editorPath(datasetId: string, imageId: string): string {
  return `/datasets/${datasetId}/images/${encodeURIComponent(imageId)}/edit?from=review`;
}

export default function ReviewQueuePage() {
  const { id = '' } = useParams();
  const dataset = useDataset(id);
  const queue = useReviewQueue(id, REVIEW_PAGE_SIZE);
  const accept = useAcceptImage(id);
  const navigate = useNavigate();
  const [chosenId, setChosenId] = useState<string | null>(null);

  const items = useMemo(() => queue.data?.items ?? [], [queue.data]);
  // the chosen image, else the first still to review
  const current =
    items.find((item) => item.image_id === chosenId) ??
    items.find((item) => !item.reviewed) ??
    null;
  const index = current === null ? -1 : items.indexOf(current);

  const next = useCallback(() => {
    const after = items.slice(index + 1).find((item) => !item.reviewed) ?? items[index + 1];
    if (after !== undefined) setChosenId(after.image_id);
  }, [items, index]);

  const acceptCurrent = useCallback(() => {
    if (current === null || accept.isPending) return;
    const following = items.slice(index + 1).find((item) => !item.reviewed);
    accept.mutate(current.image_id, {
      onSuccess: () => {
        setChosenId(following?.image_id ?? null);
      },
    });
  }, [accept, current, items, index]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target;
      if (target instanceof HTMLInputElement || target instanceof HTMLSelectElement) return;
      const key = event.key.toLowerCase();
      if (key === 'a') acceptCurrent();
      else if (key === 'n') next();
      else if ((key === 'e' || key === 'enter') && current !== null) {
        void navigate(editorPath(id, current.image_id));
      } else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, [acceptCurrent, next, current, navigate, id]);

  return (
    <section data-testid="page-review-queue">
      <Link
        to={`/datasets/${id}`}
        className="mb-3 inline-flex items-center gap-1.5 text-sm font-medium text-slate-500 hover:text-slate-900"
      >
        <ArrowLeft className="size-4" aria-hidden="true" />
        {dataset.data?.name ?? 'Dataset'}
      </Link>
      <PageHeader
        title="Review queue"
        description={
          queue.data === undefined
            ? 'Unreviewed images first, least confident first.'
            : `${queue.data.unreviewed} of ${queue.data.total} images to review · unreviewed first, least confident first`
        }
      />
      {queue.isPending && <Loader label="Loading the queue…" className="py-10" />}
      {queue.isError && (
        <Callout tone="error" title="Could not load the review queue">
          {errorMessage(queue.error)}
        </Callout>
      )}
      {queue.data !== undefined && items.length === 0 && (
        <EmptyState
          icon={Check}
          title="Nothing to review"
          description="This dataset has no images."
        />
      )}
      {queue.data !== undefined && items.length > 0 && (
        <div className="space-y-6">
          {current === null ? (
            <Callout tone="success" title="Everything is reviewed">
              Every image of this dataset has been accepted or corrected.
            </Callout>
          ) : (
            <Card
              title={current.file_name}
              description={`${splitLabel(current.split)} · ${current.instance_count} instance${current.instance_count === 1 ? '' : 's'} · lowest score ${score(current.min_score)}`}
              actions={
                <div className="flex gap-2">
                  <Button onClick={acceptCurrent} disabled={accept.isPending} title="Accept (A)">
                    <Check className="size-4" aria-hidden="true" />
                    {accept.isPending ? 'Accepting…' : 'Accept'}
                  </Button>
                  <Button
                    variant="secondary"
                    title="Correct in the editor (E)"
                    onClick={() => {
                      void navigate(editorPath(id, current.image_id));
                    }}
                  >
                    <PencilLine className="size-4" aria-hidden="true" />
                    Correct
                  </Button>
                  <Button variant="secondary" onClick={next} title="Next (N)">
                    Next
                    <ChevronRight className="size-4" aria-hidden="true" />
                  </Button>
                </div>
              }
            >
              <div className="flex max-h-[60vh] justify-center overflow-hidden rounded-lg bg-slate-900">
                <img
                  src={`${current.thumbnail_url}?size=1024&overlay=true`}
                  alt={current.file_name}
                  className="max-h-[60vh] object-contain"
                />
              </div>
              {accept.isError && (
                <p role="alert" className="mt-2 text-sm text-red-600">
                  {errorMessage(accept.error)}
                </p>
              )}
              <p className="mt-2 text-xs text-slate-500">
                Keys: <kbd className="font-mono">A</kbd> accept · <kbd className="font-mono">N</kbd>{' '}
                next · <kbd className="font-mono">E</kbd> correct in the editor
              </p>
            </Card>
          )}
          <Table
            label="Review queue"
            variant="framed"
            columns={COLUMNS}
            rows={items}
            rowKey={(item) => item.image_id}
            rowProps={(item) => ({
              'data-testid': 'review-row',
              'aria-current': item === current ? 'true' : undefined,
              className: cn('cursor-pointer', item === current && 'bg-sky-50'),
              onClick: () => {
                setChosenId(item.image_id);
              },
            })}
          />
        </div>
      )}
    </section>
  );
}
