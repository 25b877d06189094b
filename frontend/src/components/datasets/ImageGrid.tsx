import { ChevronLeft, ChevronRight, Images, PencilLine, TriangleAlert } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';

import { Button } from '@/components/common/Button';
import { Card } from '@/components/common/Card';
import { Loader } from '@/components/common/Loader';
import { Modal } from '@/components/common/Modal';
import { useDatasetImages } from '@/hooks/useDatasets';
import {
  SPLIT_NAMES,
  thumbnailUrl,
  type DatasetImage,
  type SplitName,
  type SplitSummary,
} from '@/services/datasets.service';
import { errorMessage } from '@/services/errors';
import { cn } from '@/utils/cn';

import { AnnotatedImage } from './AnnotatedImage';
import { Callout } from '@/components/common/Callout';
import { formatBytes, formatCount, splitLabel } from './format';
import { SplitEditBar } from './SplitEditBar';

export const IMAGES_PER_PAGE = 24;

export interface ImageGridProps {
  datasetId: string;
  splits: Record<string, SplitSummary>;
  imageCount: number;
}

/** Paged thumbnails of a dataset with the crack masks drawn over them. */
export function ImageGrid({ datasetId, splits, imageCount }: ImageGridProps) {
  const [split, setSplit] = useState<SplitName | null>(null);
  const [page, setPage] = useState(0);
  const [showMasks, setShowMasks] = useState(true);
  const [opened, setOpened] = useState<DatasetImage | null>(null);
  // split editing: tiles toggle a selection instead of opening
  const [selecting, setSelecting] = useState(false);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const toggle = (imageId: string) => {
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(imageId)) next.delete(imageId);
      else next.add(imageId);
      return next;
    });
  };
  const query = { split, offset: page * IMAGES_PER_PAGE, limit: IMAGES_PER_PAGE };
  const images = useDatasetImages(datasetId, query, true);
  const total = images.data?.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / IMAGES_PER_PAGE));

  const chooseSplit = (value: SplitName | null) => {
    setSplit(value);
    setPage(0);
  };

  const filters: { value: SplitName | null; label: string; count: number }[] = [
    { value: null, label: 'All', count: imageCount },
    ...SPLIT_NAMES.filter((name) => name in splits).map((name) => ({
      value: name,
      label: splitLabel(name),
      count: splits[name]?.images ?? 0,
    })),
  ];

  return (
    <Card
      title="Images"
      description="Thumbnails with the annotated crack masks drawn over them."
      actions={
        <div className="flex items-center gap-4">
          <Button
            variant="secondary"
            size="sm"
            aria-pressed={selecting}
            onClick={() => {
              setSelecting(!selecting);
              setSelected(new Set());
            }}
          >
            {selecting ? 'Done selecting' : 'Select images'}
          </Button>
          <MaskToggle checked={showMasks} onChange={setShowMasks} />
        </div>
      }
    >
      {selecting && (
        <SplitEditBar
          datasetId={datasetId}
          selected={selected}
          onMoved={() => {
            setSelected(new Set());
          }}
        />
      )}
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div role="group" aria-label="Filter by split" className="flex flex-wrap gap-1.5">
          {filters.map((filter) => {
            const active = filter.value === split;
            return (
              <button
                key={filter.label}
                type="button"
                aria-pressed={active}
                onClick={() => {
                  chooseSplit(filter.value);
                }}
                className={cn(
                  'rounded-full px-3 py-1 text-xs font-medium ring-1 transition-colors ring-inset',
                  active
                    ? 'bg-sky-600 text-white ring-sky-600'
                    : 'bg-white text-slate-600 ring-slate-300 hover:bg-slate-50',
                )}
              >
                {filter.label}{' '}
                <span className={cn('tabular-nums', active ? 'text-sky-100' : 'text-slate-400')}>
                  {formatCount(filter.count)}
                </span>
              </button>
            );
          })}
        </div>
        <Pager
          page={page}
          pageCount={pageCount}
          total={total}
          busy={images.isFetching}
          onPage={setPage}
        />
      </div>

      <div className="mt-4">
        {images.isPending && <Loader label="Loading images…" className="py-10" />}
        {images.isError && (
          <Callout tone="error" title="Could not load the images">
            {errorMessage(images.error)}
          </Callout>
        )}
        {images.data?.items.length === 0 && (
          <p className="flex items-center justify-center gap-2 py-10 text-sm text-slate-500">
            <Images className="size-4" aria-hidden="true" />
            No images in this split.
          </p>
        )}
        {images.data !== undefined && images.data.items.length > 0 && (
          <ul
            className={cn(
              'grid grid-cols-2 gap-3 sm:grid-cols-3 md:grid-cols-4 lg:grid-cols-6',
              images.isPlaceholderData && 'opacity-60',
            )}
            aria-label="Dataset images"
            aria-busy={images.isFetching}
          >
            {images.data.items.map((image) => (
              <ImageTile
                key={image.id}
                image={image}
                showMasks={showMasks}
                selected={selecting ? selected.has(image.id) : undefined}
                onOpen={() => {
                  if (selecting) toggle(image.id);
                  else setOpened(image);
                }}
              />
            ))}
          </ul>
        )}
      </div>

      <ImagePreview
        datasetId={datasetId}
        image={opened}
        showMasks={showMasks}
        onClose={() => {
          setOpened(null);
        }}
      />
    </Card>
  );
}

function MaskToggle({
  checked,
  onChange,
}: {
  checked: boolean;
  onChange: (value: boolean) => void;
}) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      onClick={() => {
        onChange(!checked);
      }}
      className="flex items-center gap-2 rounded-md text-sm text-slate-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
    >
      <span
        aria-hidden="true"
        className={cn(
          'relative inline-flex h-5 w-9 shrink-0 items-center rounded-full transition-colors',
          checked ? 'bg-sky-600' : 'bg-slate-300',
        )}
      >
        <span
          className={cn(
            'inline-block size-4 rounded-full bg-white shadow transition-transform',
            checked ? 'translate-x-4.5' : 'translate-x-0.5',
          )}
        />
      </span>
      Show masks
    </button>
  );
}

interface PagerProps {
  page: number;
  pageCount: number;
  total: number;
  busy: boolean;
  onPage: (page: number) => void;
}

function Pager({ page, pageCount, total, busy, onPage }: PagerProps) {
  const first = total === 0 ? 0 : page * IMAGES_PER_PAGE + 1;
  const last = Math.min(total, (page + 1) * IMAGES_PER_PAGE);
  return (
    <nav aria-label="Image pages" className="flex items-center gap-2">
      <span className="text-xs text-slate-500 tabular-nums" aria-live="polite">
        {first}–{last} of {formatCount(total)}
      </span>
      <Button
        variant="secondary"
        size="sm"
        aria-label="Previous page"
        disabled={page === 0 || busy}
        onClick={() => {
          onPage(page - 1);
        }}
      >
        <ChevronLeft className="size-4" aria-hidden="true" />
      </Button>
      <span className="text-xs text-slate-600 tabular-nums">
        Page {page + 1} of {pageCount}
      </span>
      <Button
        variant="secondary"
        size="sm"
        aria-label="Next page"
        disabled={page + 1 >= pageCount || busy}
        onClick={() => {
          onPage(page + 1);
        }}
      >
        <ChevronRight className="size-4" aria-hidden="true" />
      </Button>
    </nav>
  );
}

function ImageTile({
  image,
  showMasks,
  selected,
  onOpen,
}: {
  image: DatasetImage;
  showMasks: boolean;
  /** Whether the tile is selected; undefined outside selection mode. */
  selected?: boolean;
  onOpen: () => void;
}) {
  const instances = image.annotations.length;
  return (
    <li data-testid="dataset-image">
      <button
        type="button"
        onClick={onOpen}
        className="group block w-full text-left focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
        aria-label={
          selected === undefined ? `Open ${image.file_name}` : `Select ${image.file_name}`
        }
        aria-pressed={selected}
      >
        <div
          className={cn(
            'flex aspect-square items-center justify-center overflow-hidden rounded-lg bg-slate-900 ring-1 ring-slate-200 transition group-hover:ring-2 group-hover:ring-sky-500',
            selected === true && 'ring-4 ring-sky-600',
          )}
        >
          <AnnotatedImage
            src={thumbnailUrl(image)}
            alt={image.file_name}
            width={image.width}
            height={image.height}
            annotations={image.annotations}
            showMasks={showMasks}
          />
        </div>
        <div className="mt-1.5 flex items-center gap-1 text-xs">
          <span className="min-w-0 flex-1 truncate text-slate-700" title={image.file_name}>
            {image.file_name}
          </span>
          {image.label_problems.length > 0 && (
            <TriangleAlert
              className="size-3.5 shrink-0 text-amber-500"
              aria-label="Label problems"
            />
          )}
        </div>
        <p className="text-xs text-slate-400">
          {image.split} ·{' '}
          {instances === 0 ? 'no cracks' : `${instances} instance${instances === 1 ? '' : 's'}`}
        </p>
      </button>
    </li>
  );
}

function ImagePreview({
  datasetId,
  image,
  showMasks,
  onClose,
}: {
  datasetId: string;
  image: DatasetImage | null;
  showMasks: boolean;
  onClose: () => void;
}) {
  return (
    <Modal
      open={image !== null}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
      title={image?.file_name ?? 'Image'}
      description={
        image === null
          ? undefined
          : `${splitLabel(image.split)} · ${image.width} × ${image.height} px · ${formatBytes(image.size_bytes)} · ${image.annotations.length} instance${image.annotations.length === 1 ? '' : 's'}`
      }
    >
      {image !== null && (
        <div className="space-y-3">
          <div className="flex aspect-square items-center justify-center overflow-hidden rounded-lg bg-slate-900">
            <AnnotatedImage
              src={thumbnailUrl(image, 1024)}
              alt={image.file_name}
              width={image.width}
              height={image.height}
              annotations={image.annotations}
              showMasks={showMasks}
            />
          </div>
          {image.label_problems.length > 0 && (
            <Callout tone="warning" title="Skipped label lines">
              <ul className="list-disc pl-4 font-mono text-xs">
                {image.label_problems.map((problem) => (
                  <li key={problem}>{problem}</li>
                ))}
              </ul>
            </Callout>
          )}
          <div className="flex items-center justify-between gap-3">
            <a
              href={image.file_url}
              target="_blank"
              rel="noreferrer"
              className="inline-block text-sm font-medium text-sky-700 hover:text-sky-600"
            >
              Open the original image
            </a>
            <Link
              to={`/datasets/${datasetId}/images/${encodeURIComponent(image.id)}/edit`}
              className="inline-flex h-9 items-center gap-2 rounded-md bg-sky-600 px-3.5 text-sm font-medium text-white hover:bg-sky-500"
            >
              <PencilLine className="size-4" aria-hidden="true" />
              Edit annotations
            </Link>
          </div>
        </div>
      )}
    </Modal>
  );
}
