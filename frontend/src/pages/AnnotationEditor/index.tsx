import {
  ArrowLeft,
  Brush,
  Eraser,
  Hand,
  Maximize,
  Minus,
  PenTool,
  Plus,
  Redo2,
  Save,
  Scissors,
  Undo2,
} from 'lucide-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useBlocker, useNavigate, useParams, useSearchParams } from 'react-router-dom';

import { Button } from '@/components/common/Button';
import { Callout } from '@/components/common/Callout';
import { Loader } from '@/components/common/Loader';
import { Modal } from '@/components/common/Modal';
import { EditorCanvas } from '@/components/editor/EditorCanvas';
import { ConflictDialog } from '@/components/editor/ConflictDialog';
import { InstanceList } from '@/components/editor/InstanceList';
import { SHORTCUTS, useEditorShortcuts } from '@/components/editor/useEditorShortcuts';
import { useImageAnnotations, useSaveAnnotations } from '@/hooks/useAnnotations';
import { useDataset } from '@/hooks/useDatasets';
import {
  AnnotationConflictError,
  imageFileUrl,
  type ImageAnnotations,
} from '@/services/annotations.service';
import { errorMessage } from '@/services/errors';
import { hasUnsavedChanges, useEditorStore, type EditorTool } from '@/store/editorStore';
import { useEditorViewStore, ZOOM_STEP } from '@/store/editorViewStore';
import { cn } from '@/utils/cn';

const TOOLS: readonly { tool: EditorTool; label: string; key: string; icon: typeof Brush }[] = [
  { tool: 'select', label: 'Select / pan', key: 'V', icon: Hand },
  { tool: 'polygon', label: 'Polygon', key: 'P', icon: PenTool },
  { tool: 'brush', label: 'Brush', key: 'B', icon: Brush },
  { tool: 'erase', label: 'Erase', key: 'E', icon: Eraser },
  { tool: 'split', label: 'Split', key: 'S', icon: Scissors },
];

const TOOL_HELP: Record<EditorTool, string> = {
  select: 'Click an instance to select it; drag to pan, wheel to zoom.',
  polygon: 'Click to add points; Enter or a click on the first point closes the polygon.',
  brush: 'Paint into the selected instance, or a new one when none is selected.',
  erase: 'Erase from every instance under the brush.',
  split: 'Click two points across the selected instance to cut it in two.',
};

export default function AnnotationEditorPage() {
  const { id = '', imageId = '' } = useParams();
  const [search] = useSearchParams();
  const fromReview = search.get('from') === 'review';
  const dataset = useDataset(id);
  const annotations = useImageAnnotations(id, imageId);
  const load = useEditorStore((state) => state.load);
  const loadedFor = useEditorStore((state) => state.imageId);
  const openedWith = useRef<string | null>(null);

  // The first answer after opening replaces the editor's state; a later one (a refetch) only when
  // no edit is pending, so nothing the user drew is dropped behind their back.
  useEffect(() => {
    const data = annotations.data;
    if (data === undefined) return;
    const state = useEditorStore.getState();
    if (
      openedWith.current !== data.image_id ||
      (state.etag !== data.etag && !hasUnsavedChanges(state))
    ) {
      openedWith.current = data.image_id;
      load(data);
    }
  }, [annotations.data, load]);

  // the editor shows once its store holds this image
  const opened = annotations.data?.image_id === loadedFor ? annotations.data : undefined;
  const backTo = fromReview ? `/datasets/${id}/review` : `/datasets/${id}`;
  const classNames = annotations.data?.class_names ?? dataset.data?.class_names ?? [];

  return (
    <section data-testid="page-annotation-editor" className="flex h-full flex-col">
      <Link
        to={backTo}
        className="mb-3 inline-flex items-center gap-1.5 text-sm font-medium text-slate-500 hover:text-slate-900"
      >
        <ArrowLeft className="size-4" aria-hidden="true" />
        {fromReview ? 'Review queue' : (dataset.data?.name ?? 'Dataset')}
      </Link>
      {annotations.isPending && <Loader label="Loading the annotations…" className="py-10" />}
      {annotations.isError && (
        <Callout tone="error" title="Could not load the annotations">
          {errorMessage(annotations.error)}
        </Callout>
      )}
      {opened !== undefined && (
        <Editor
          datasetId={id}
          imageId={imageId}
          server={opened}
          classNames={classNames}
          reviewQueue={fromReview ? backTo : null}
        />
      )}
    </section>
  );
}

interface EditorProps {
  datasetId: string;
  imageId: string;
  server: ImageAnnotations;
  classNames: readonly string[];
  /** Opened from the review queue: saving accepts the corrected image and returns there. */
  reviewQueue: string | null;
}

function Editor({ datasetId, imageId, server, classNames, reviewQueue }: EditorProps) {
  const navigate = useNavigate();
  const editor = useEditorStore();
  const save = useSaveAnnotations(datasetId, imageId);
  const [conflict, setConflict] = useState<ImageAnnotations | null>(null);
  const [showMasks, setShowMasks] = useState(true);
  const dirty = hasUnsavedChanges(editor);

  const doSave = useCallback(() => {
    if (save.isPending) return;
    if (reviewQueue !== null) useEditorStore.getState().setReviewed(true);
    const state = useEditorStore.getState();
    save.mutate(
      { etag: state.etag, update: state.toUpdate() },
      {
        onSuccess: (saved) => {
          useEditorStore.getState().load(saved);
          if (reviewQueue !== null) void navigate(reviewQueue);
        },
        onError: (error) => {
          if (error instanceof AnnotationConflictError) setConflict(error.current);
        },
      },
    );
  }, [save, reviewQueue, navigate]);
  useEditorShortcuts(doSave);

  // leaving the editor for another page of the app with unsaved edits asks first (live state: a save
  // that navigates right after loading the saved state is not blocked)
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      currentLocation.pathname !== nextLocation.pathname &&
      hasUnsavedChanges(useEditorStore.getState()),
  );

  // closing or reloading the tab with unsaved edits asks first
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => {
      window.removeEventListener('beforeunload', warn);
    };
  }, [dirty]);

  const fileName = server.file_name;
  return (
    <div className="flex min-h-0 flex-1 flex-col gap-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold tracking-tight text-slate-900">{fileName}</h1>
          <p className="text-sm text-slate-500">
            {server.width} × {server.height} px · {editor.instances.length} instance
            {editor.instances.length === 1 ? '' : 's'}
            {dirty && <span className="ml-2 font-medium text-amber-600">Unsaved changes</span>}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <label className="flex items-center gap-2 text-sm text-slate-700">
            <input
              type="checkbox"
              checked={editor.reviewed}
              onChange={(event) => {
                editor.setReviewed(event.target.checked);
              }}
            />
            Reviewed
          </label>
          <Button
            variant="secondary"
            size="sm"
            aria-label="Undo"
            title="Undo (Ctrl+Z)"
            disabled={editor.undoStack.length === 0}
            onClick={editor.undo}
          >
            <Undo2 className="size-4" aria-hidden="true" />
          </Button>
          <Button
            variant="secondary"
            size="sm"
            aria-label="Redo"
            title="Redo (Ctrl+Shift+Z)"
            disabled={editor.redoStack.length === 0}
            onClick={editor.redo}
          >
            <Redo2 className="size-4" aria-hidden="true" />
          </Button>
          <Button onClick={doSave} disabled={save.isPending || (!dirty && reviewQueue === null)}>
            <Save className="size-4" aria-hidden="true" />
            {save.isPending ? 'Saving…' : reviewQueue === null ? 'Save' : 'Save and accept'}
          </Button>
        </div>
      </div>
      {save.isError && !(save.error instanceof AnnotationConflictError) && (
        <Callout tone="error" title="Not saved">
          {errorMessage(save.error)}
          {Object.entries(
            (save.error as { fieldErrors?: Record<string, string> }).fieldErrors ?? {},
          ).map(([field, message]) => (
            <span key={field} className="block font-mono text-xs">
              {field}: {message}
            </span>
          ))}
        </Callout>
      )}
      {save.isSuccess && !dirty && (
        <p role="status" className="text-sm text-emerald-700">
          Saved.
        </p>
      )}
      <Toolbar classNames={classNames} showMasks={showMasks} onShowMasks={setShowMasks} />
      <div className="grid min-h-0 flex-1 gap-3 lg:grid-cols-[minmax(0,1fr)_18rem]">
        <div className="h-[65vh] min-h-[420px]">
          <EditorCanvas
            imageUrl={imageFileUrl(datasetId, imageId)}
            width={server.width}
            height={server.height}
            showMasks={showMasks}
          />
        </div>
        <InstanceList classNames={classNames} />
      </div>
      <p className="text-xs text-slate-500">
        {SHORTCUTS.map((shortcut) => (
          <span key={shortcut.keys} className="mr-3 inline-block">
            <kbd className="rounded bg-slate-100 px-1 font-mono">{shortcut.keys}</kbd>{' '}
            {shortcut.action}
          </span>
        ))}
      </p>
      <Modal
        open={blocker.state === 'blocked'}
        onOpenChange={(open) => {
          if (!open) blocker.reset?.();
        }}
        title="Leave without saving?"
        description="Your changes to this image are not saved."
      >
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => blocker.reset?.()}>
            Stay
          </Button>
          <Button variant="danger" onClick={() => blocker.proceed?.()}>
            Leave and drop my changes
          </Button>
        </div>
      </Modal>
      <ConflictDialog
        current={conflict}
        classNames={classNames}
        onReload={() => {
          if (conflict !== null) useEditorStore.getState().load(conflict);
          setConflict(null);
          save.reset();
        }}
        onKeepEditing={() => {
          setConflict(null);
        }}
      />
    </div>
  );
}

function Toolbar({
  classNames,
  showMasks,
  onShowMasks,
}: {
  classNames: readonly string[];
  showMasks: boolean;
  onShowMasks: (value: boolean) => void;
}) {
  const tool = useEditorStore((state) => state.tool);
  const setTool = useEditorStore((state) => state.setTool);
  const classId = useEditorStore((state) => state.classId);
  const setClassId = useEditorStore((state) => state.setClassId);
  const brushRadius = useEditorStore((state) => state.brushRadius);
  const setBrushRadius = useEditorStore((state) => state.setBrushRadius);
  const view = useEditorViewStore();
  return (
    <div className="flex flex-wrap items-center gap-3 rounded-lg bg-white p-2 ring-1 ring-slate-200">
      <div role="toolbar" aria-label="Tools" className="flex gap-1">
        {TOOLS.map(({ tool: value, label, key, icon: Icon }) => (
          <button
            key={value}
            type="button"
            aria-pressed={tool === value}
            title={`${label} (${key})`}
            onClick={() => {
              setTool(value);
            }}
            className={cn(
              'inline-flex h-8 items-center gap-1.5 rounded-md px-2.5 text-xs font-medium',
              tool === value ? 'bg-sky-600 text-white' : 'text-slate-700 hover:bg-slate-100',
            )}
          >
            <Icon className="size-4" aria-hidden="true" />
            {label}
          </button>
        ))}
      </div>
      <label className="flex items-center gap-2 text-xs text-slate-600">
        Class
        <select
          aria-label="Class for new instances"
          className="h-8 rounded-md border border-slate-300 px-2 text-sm"
          value={classId}
          onChange={(event) => {
            setClassId(Number(event.target.value));
          }}
        >
          {(classNames.length > 0 ? classNames : ['class 0']).map((name, index) => (
            <option key={name} value={index}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label className="flex items-center gap-2 text-xs text-slate-600">
        Brush
        <input
          type="range"
          min={1}
          max={100}
          value={brushRadius}
          aria-label="Brush radius (px)"
          onChange={(event) => {
            setBrushRadius(Number(event.target.value));
          }}
        />
        <span className="w-10 tabular-nums">{brushRadius} px</span>
      </label>
      <div className="flex items-center gap-1">
        <Button
          variant="ghost"
          size="sm"
          aria-label="Zoom out"
          onClick={() => {
            view.zoomAt(1 / ZOOM_STEP);
          }}
        >
          <Minus className="size-4" aria-hidden="true" />
        </Button>
        <span className="w-12 text-center text-xs text-slate-600 tabular-nums" aria-label="Zoom">
          {Math.round(view.zoom * 100)}%
        </span>
        <Button
          variant="ghost"
          size="sm"
          aria-label="Zoom in"
          onClick={() => {
            view.zoomAt(ZOOM_STEP);
          }}
        >
          <Plus className="size-4" aria-hidden="true" />
        </Button>
        <Button variant="ghost" size="sm" aria-label="Fit" onClick={view.fit}>
          <Maximize className="size-4" aria-hidden="true" />
        </Button>
      </div>
      <label className="flex items-center gap-2 text-xs text-slate-600">
        <input
          type="checkbox"
          checked={showMasks}
          onChange={(event) => {
            onShowMasks(event.target.checked);
          }}
        />
        Show masks
      </label>
      <p className="basis-full text-xs text-slate-500">{TOOL_HELP[tool]}</p>
    </div>
  );
}
