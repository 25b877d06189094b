/**
 * The mask editor's state: the image's instances, the tool, the polygon being drawn, and a command
 * stack for undo/redo. Every edit is one command that records the instance list before and after
 * (instances are immutable, so a snapshot shares every untouched instance and costs one array).
 */
import { create } from 'zustand';

import {
  boxOf,
  boxesOverlap,
  clampPoint,
  emptyMask,
  fillPolygon,
  maskCount,
  paintStroke,
  pointInPolygon,
  roundPolygon,
  traceOutlines,
  unionBox,
  type Box,
  type Mask,
  type Point,
  type Polygon,
} from '@/components/editor/geometry';
import { forEachRun, rleBox } from '@/components/editor/rle';
import type {
  AnnotationInstance,
  AnnotationsUpdate,
  ImageAnnotations,
} from '@/services/annotations.service';

export type EditorTool = 'select' | 'polygon' | 'brush' | 'erase' | 'split';

export interface EditorInstance extends AnnotationInstance {
  /** Stable key in the editor (server id, or a local one for drawn instances). */
  key: string;
}

export interface EditorCommand {
  label: string;
  before: readonly EditorInstance[];
  after: readonly EditorInstance[];
}

/** The most commands kept for undo. */
export const MAX_UNDO = 200;
export const DEFAULT_BRUSH_RADIUS = 6;
/** Width (px) of the cut a split makes through an instance. */
export const SPLIT_CUT_RADIUS = 1;

interface EditorState {
  imageId: string | null;
  width: number;
  height: number;
  etag: string;
  instances: readonly EditorInstance[];
  reviewed: boolean;
  /** Instances as last loaded or saved: what "unsaved changes" compares with. */
  saved: readonly EditorInstance[];
  savedReviewed: boolean;
  selectedKey: string | null;
  tool: EditorTool;
  classId: number;
  brushRadius: number;
  /** Polygon (or split line) being drawn, in image pixels. */
  draft: Point[];
  undoStack: EditorCommand[];
  redoStack: EditorCommand[];
  load: (annotations: ImageAnnotations) => void;
  setTool: (tool: EditorTool) => void;
  setClassId: (classId: number) => void;
  setBrushRadius: (radius: number) => void;
  select: (key: string | null) => void;
  selectAt: (point: Point) => void;
  addDraftPoint: (point: Point) => void;
  cancelDraft: () => void;
  closePolygon: () => boolean;
  deleteSelected: () => void;
  changeClass: (key: string, classId: number) => void;
  applyStroke: (stroke: Polygon, mode: 'paint' | 'erase') => void;
  splitSelected: (a: Point, b: Point) => boolean;
  setReviewed: (reviewed: boolean) => void;
  undo: () => void;
  redo: () => void;
  toUpdate: () => AnnotationsUpdate;
}

let localKeys = 0;
function newKey(): string {
  localKeys += 1;
  return `new-${localKeys}`;
}

function fromServer(instance: AnnotationInstance, index: number): EditorInstance {
  return { ...instance, key: instance.id ?? `srv-${index}` };
}

const INITIAL = {
  imageId: null,
  width: 0,
  height: 0,
  etag: '',
  instances: [],
  reviewed: false,
  saved: [],
  savedReviewed: false,
  selectedKey: null,
  draft: [],
  undoStack: [],
  redoStack: [],
};

export function instanceBox(instance: AnnotationInstance): Box | null {
  if (instance.polygon !== null && instance.polygon.length > 0) return boxOf(instance.polygon);
  if (instance.rle !== null) return rleBox(instance.rle);
  return null;
}

export function containsPoint(instance: AnnotationInstance, point: Point): boolean {
  if (instance.polygon !== null) return pointInPolygon(point, instance.polygon);
  if (instance.rle === null) return false;
  const [px, py] = [Math.floor(point[0]), Math.floor(point[1])];
  let hit = false;
  forEachRun(instance.rle, (x, y, length) => {
    if (x === px && py >= y && py < y + length) hit = true;
  });
  return hit;
}

function rasterize(instance: AnnotationInstance, mask: Mask): void {
  if (instance.polygon !== null) {
    fillPolygon(mask, instance.polygon, 1);
    return;
  }
  if (instance.rle === null) return;
  forEachRun(instance.rle, (x, y, length) => {
    const col = Math.floor((x - mask.x0) / mask.scale);
    if (col < 0 || col >= mask.w) return;
    for (let yy = y; yy < y + length; yy += 1) {
      const row = Math.floor((yy - mask.y0) / mask.scale);
      if (row >= 0 && row < mask.h) mask.data[row * mask.w + col] = 1;
    }
  });
}

/** The pieces an instance's mask traces to, each as a drawn polygon of the same class. */
function piecesOf(
  base: EditorInstance,
  mask: Mask,
  width: number,
  height: number,
): EditorInstance[] {
  return traceOutlines(mask).map((outline, index) => ({
    ...base,
    key: index === 0 && base.id !== null ? base.key : newKey(),
    id: index === 0 ? base.id : null,
    polygon: roundPolygon(outline.map((point) => clampPoint(point, width, height))),
    rle: null,
    source: 'drawn',
    score: null,
    reviewed: true,
  }));
}

function strokeBox(stroke: Polygon, radius: number): Box {
  const box = boxOf(stroke);
  return { x0: box.x0 - radius, y0: box.y0 - radius, x1: box.x1 + radius, y1: box.y1 + radius };
}

export const useEditorStore = create<EditorState>()((set, get) => {
  /** Applies an edit as one undoable command. */
  const commit = (label: string, after: readonly EditorInstance[], selectedKey?: string | null) => {
    const { instances, undoStack } = get();
    const command: EditorCommand = { label, before: instances, after };
    set({
      instances: after,
      undoStack: [...undoStack, command].slice(-MAX_UNDO),
      redoStack: [],
      ...(selectedKey === undefined ? {} : { selectedKey }),
    });
  };

  return {
    ...INITIAL,
    tool: 'select',
    classId: 0,
    brushRadius: DEFAULT_BRUSH_RADIUS,

    load: (annotations) => {
      const instances = annotations.instances.map(fromServer);
      set({
        ...INITIAL,
        imageId: annotations.image_id,
        width: annotations.width,
        height: annotations.height,
        etag: annotations.etag,
        instances,
        saved: instances,
        reviewed: annotations.reviewed,
        savedReviewed: annotations.reviewed,
      });
    },

    setTool: (tool) => {
      set({ tool, draft: [] });
    },
    setClassId: (classId) => {
      set({ classId });
    },
    setBrushRadius: (radius) => {
      set({ brushRadius: Math.min(200, Math.max(1, radius)) });
    },
    select: (key) => {
      set({ selectedKey: key });
    },
    selectAt: (point) => {
      // the topmost (last drawn) instance under the point
      const hit = [...get().instances].reverse().find((instance) => containsPoint(instance, point));
      set({ selectedKey: hit?.key ?? null });
    },

    addDraftPoint: (point) => {
      const { width, height, draft } = get();
      set({ draft: [...draft, clampPoint(point, width, height)] });
    },
    cancelDraft: () => {
      set({ draft: [] });
    },
    closePolygon: () => {
      const { draft, instances, classId } = get();
      if (draft.length < 3) return false;
      const key = newKey();
      const instance: EditorInstance = {
        key,
        id: null,
        class_id: classId,
        polygon: roundPolygon(draft),
        rle: null,
        source: 'drawn',
        score: null,
        reviewed: true,
      };
      set({ draft: [] });
      commit('Draw polygon', [...instances, instance], key);
      return true;
    },

    deleteSelected: () => {
      const { instances, selectedKey } = get();
      if (selectedKey === null || !instances.some((item) => item.key === selectedKey)) return;
      commit(
        'Delete instance',
        instances.filter((item) => item.key !== selectedKey),
        null,
      );
    },

    changeClass: (key, classId) => {
      const { instances } = get();
      const target = instances.find((item) => item.key === key);
      if (target === undefined || target.class_id === classId) return;
      commit(
        'Change class',
        instances.map((item) =>
          item.key === key ? { ...item, class_id: classId, reviewed: true } : item,
        ),
      );
    },

    applyStroke: (stroke, mode) => {
      if (stroke.length === 0) return;
      const { instances, selectedKey, brushRadius, width, height, classId } = get();
      const area = strokeBox(stroke, brushRadius);
      if (mode === 'paint') {
        const selected = instances.find((item) => item.key === selectedKey);
        const base: EditorInstance = selected ?? {
          key: newKey(),
          id: null,
          class_id: classId,
          polygon: null,
          rle: null,
          source: 'drawn',
          score: null,
          reviewed: true,
        };
        const box = instanceBox(base);
        const mask = emptyMask(box === null ? area : unionBox(box, area), width, height);
        rasterize(base, mask);
        paintStroke(mask, stroke, brushRadius, 1);
        const pieces = piecesOf(base, mask, width, height);
        if (pieces.length === 0) return;
        const [first] = pieces as [EditorInstance];
        const after = selected
          ? instances.flatMap((item) => (item.key === selected.key ? pieces : [item]))
          : [...instances, ...pieces];
        commit(selected ? 'Brush' : 'Brush new instance', after, first.key);
        return;
      }
      const after = instances.flatMap((item) => {
        const box = instanceBox(item);
        if (box === null || !boxesOverlap(box, area)) return [item];
        const mask = emptyMask(box, width, height);
        rasterize(item, mask);
        const before = maskCount(mask);
        paintStroke(mask, stroke, brushRadius, 0);
        if (maskCount(mask) === before) return [item];
        return piecesOf(item, mask, width, height);
      });
      const changed =
        after.length !== instances.length || after.some((item, index) => item !== instances[index]);
      if (changed) commit('Erase', after, null);
    },

    splitSelected: (a, b) => {
      const { instances, selectedKey, width, height } = get();
      const selected = instances.find((item) => item.key === selectedKey);
      if (selected === undefined) return false;
      const box = instanceBox(selected);
      if (box === null) return false;
      const mask = emptyMask(box, width, height);
      rasterize(selected, mask);
      paintStroke(mask, [a, b], SPLIT_CUT_RADIUS, 0);
      const pieces = piecesOf(selected, mask, width, height);
      set({ draft: [] });
      if (pieces.length < 2) return false;
      commit(
        'Split instance',
        instances.flatMap((item) => (item.key === selected.key ? pieces : [item])),
        pieces[0]?.key ?? null,
      );
      return true;
    },

    setReviewed: (reviewed) => {
      set({ reviewed });
    },

    undo: () => {
      const { undoStack, redoStack } = get();
      const command = undoStack[undoStack.length - 1];
      if (command === undefined) return;
      set({
        instances: command.before,
        undoStack: undoStack.slice(0, -1),
        redoStack: [...redoStack, command],
        draft: [],
        selectedKey: null,
      });
    },
    redo: () => {
      const { undoStack, redoStack } = get();
      const command = redoStack[redoStack.length - 1];
      if (command === undefined) return;
      set({
        instances: command.after,
        undoStack: [...undoStack, command],
        redoStack: redoStack.slice(0, -1),
        draft: [],
        selectedKey: null,
      });
    },

    toUpdate: () => {
      const { instances, reviewed } = get();
      return {
        reviewed,
        // the contract's fields only (the editor's key stays here)
        instances: instances.map((item) => ({
          id: item.id,
          class_id: item.class_id,
          polygon: item.polygon,
          rle: item.rle,
          source: item.source,
          score: item.score,
          reviewed: item.reviewed,
          ...(item.model_id === undefined ? {} : { model_id: item.model_id }),
        })),
      };
    },
  };
});

/** Whether the editor holds edits that are not saved. */
export function hasUnsavedChanges(state: {
  instances: readonly EditorInstance[];
  saved: readonly EditorInstance[];
  reviewed: boolean;
  savedReviewed: boolean;
}): boolean {
  return state.instances !== state.saved || state.reviewed !== state.savedReviewed;
}
