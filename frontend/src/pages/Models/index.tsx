import { Boxes, GitCompareArrows, SearchX, Upload } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';

import { Button } from '@/components/common/Button';
import { EmptyState } from '@/components/common/EmptyState';
import { Loader } from '@/components/common/Loader';
import { PageHeader } from '@/components/common/PageHeader';
import { ImportModelDialog } from '@/components/models/ImportModelDialog';
import { hasFilters, NO_FILTERS, type ModelFilterValues } from '@/components/models/filters';
import { ModelFiltersBar } from '@/components/models/ModelFiltersBar';
import { ModelTable } from '@/components/models/ModelTable';
import { Callout } from '@/components/common/Callout';
import { useModels } from '@/hooks/useModels';
import { MODEL_LIMITS, type ModelFilters } from '@/services/models.service';
import { errorReason } from '@/services/errors';
import { showToast } from '@/store/uiStore';

function toQuery(values: ModelFilterValues, search: string): ModelFilters {
  return {
    source: values.source === '' ? undefined : values.source,
    task: values.task || undefined,
    tag: values.tag || undefined,
    search: search.trim() || undefined,
  };
}

const SEARCH_DEBOUNCE_MS = 300;

/** `value`, once it has stopped changing for `delayMs` (so typing does not send a request per key). */
function useDebounced<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => {
      setDebounced(value);
    }, delayMs);
    return () => {
      window.clearTimeout(timer);
    };
  }, [value, delayMs]);
  return debounced;
}

function compareUrl(ids: Iterable<string>): string {
  return `/models/compare?ids=${[...ids].map(encodeURIComponent).join(',')}`;
}

export default function ModelsPage() {
  const navigate = useNavigate();
  const [importOpen, setImportOpen] = useState(false);
  const [filters, setFilters] = useState<ModelFilterValues>(NO_FILTERS);
  const search = useDebounced(filters.search, SEARCH_DEBOUNCE_MS);
  const models = useModels(toQuery(filters, search));
  const allModels = useModels({});
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());

  const tags = useMemo(() => {
    const names = new Set<string>();
    for (const model of allModels.data?.items ?? []) for (const tag of model.tags) names.add(tag);
    return [...names].sort((a, b) => a.localeCompare(b));
  }, [allModels.data]);

  const toggle = (id: string) => {
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  };

  const openImport = () => {
    setImportOpen(true);
  };
  const registryEmpty = allModels.data?.total === 0;

  return (
    <section data-testid="page-models">
      <PageHeader
        title="Models"
        description="Every model trained here or imported, with its lineage, metrics and exports."
        actions={
          <div className="flex flex-wrap gap-2">
            <Button
              variant="secondary"
              disabled={selected.size < MODEL_LIMITS.minCompare}
              title={
                selected.size < MODEL_LIMITS.minCompare
                  ? `Select ${MODEL_LIMITS.minCompare} to ${MODEL_LIMITS.maxCompare} models to compare them`
                  : undefined
              }
              onClick={() => {
                void navigate(compareUrl(selected));
              }}
            >
              <GitCompareArrows className="size-4" aria-hidden="true" />
              Compare{selected.size > 0 ? ` (${selected.size})` : ''}
            </Button>
            <Button onClick={openImport}>
              <Upload className="size-4" aria-hidden="true" />
              Import model
            </Button>
          </div>
        }
      />

      {registryEmpty ? (
        <EmptyState
          icon={Boxes}
          title="No models yet"
          description={
            <>
              A model appears here when a training run completes (its best weights are registered
              with the dataset and settings that produced them), or when you import Ultralytics
              weights (a .pt file) trained elsewhere.
            </>
          }
        >
          <div className="flex flex-wrap justify-center gap-2">
            <Link
              to="/training/new"
              className="inline-flex h-9 items-center rounded-md bg-white px-3.5 text-sm font-medium text-slate-700 shadow-sm ring-1 ring-slate-300 ring-inset hover:bg-slate-50"
            >
              Train a model
            </Link>
            <Button onClick={openImport}>
              <Upload className="size-4" aria-hidden="true" />
              Import a .pt file
            </Button>
          </div>
        </EmptyState>
      ) : (
        <div className="space-y-4">
          <div className="flex flex-wrap items-center justify-between gap-3">
            <ModelFiltersBar values={filters} tags={tags} onChange={setFilters} />
            {selected.size > 0 && (
              <p className="text-sm text-slate-500">
                {selected.size} selected
                {selected.size >= MODEL_LIMITS.maxCompare &&
                  ` (at most ${MODEL_LIMITS.maxCompare})`}
                {' · '}
                <button
                  type="button"
                  className="font-medium text-sky-700 hover:text-sky-600"
                  onClick={() => {
                    setSelected(new Set());
                  }}
                >
                  Clear
                </button>
              </p>
            )}
          </div>
          <ModelList
            state={models}
            filtered={hasFilters(filters)}
            selected={selected}
            onToggle={toggle}
          />
        </div>
      )}

      <ImportModelDialog
        open={importOpen}
        onOpenChange={setImportOpen}
        onImported={(job) => {
          setImportOpen(false);
          showToast({
            title: 'Model imported',
            description: `${job.file_name ?? 'The file'} was checked and registered.`,
            variant: 'success',
          });
        }}
      />
    </section>
  );
}

interface ModelListProps {
  state: ReturnType<typeof useModels>;
  filtered: boolean;
  selected: ReadonlySet<string>;
  onToggle: (id: string) => void;
}

function ModelList({ state, filtered, selected, onToggle }: ModelListProps) {
  if (state.isPending) return <Loader label="Loading models…" />;
  if (state.isError) {
    return (
      <Callout
        tone="error"
        title="Could not load the models"
        actions={
          <Button variant="secondary" size="sm" onClick={() => void state.refetch()}>
            Retry
          </Button>
        }
      >
        {errorReason(state.error)}
      </Callout>
    );
  }
  const { items, total } = state.data;
  if (items.length === 0) {
    return (
      <EmptyState
        icon={SearchX}
        title={filtered ? 'No models match these filters' : 'No models yet'}
        description={
          filtered
            ? 'Change or clear the filters to see other models.'
            : 'Train a model or import a .pt file.'
        }
      />
    );
  }
  return (
    <>
      <ModelTable
        models={items}
        selected={selected}
        onToggle={onToggle}
        selectionFull={selected.size >= MODEL_LIMITS.maxCompare}
      />
      <p className="text-xs text-slate-500">
        {total > items.length
          ? `Showing the newest ${items.length} of ${total} models; filter to find older ones.`
          : `${total} model${total === 1 ? '' : 's'}`}
      </p>
    </>
  );
}
