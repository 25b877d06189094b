import { useEffect, useRef, useState } from 'react';

import { useEditorStore } from '@/store/editorStore';
import { toImage, useEditorViewStore, ZOOM_STEP } from '@/store/editorViewStore';

import type { Point } from './geometry';
import { drawFrame, makeBackdrop, type Backdrop } from './render';

/** Screen px within which a click on the first vertex closes the polygon. */
const CLOSE_DISTANCE_PX = 8;

interface Props {
  imageUrl: string;
  width: number;
  height: number;
  showMasks: boolean;
}

type Gesture =
  | { kind: 'pan'; lastX: number; lastY: number; moved: boolean; startX: number; startY: number }
  | { kind: 'stroke' };

/** The editable image: pointer input for the tools, wheel zoom, drag to pan. */
export function EditorCanvas({ imageUrl, width, height, showMasks }: Props) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const containerRef = useRef<HTMLDivElement>(null);
  const [backdrop, setBackdrop] = useState<Backdrop | null>(null);
  const [imageError, setImageError] = useState(false);
  const [cursor, setCursor] = useState<Point | null>(null);
  const [stroke, setStroke] = useState<Point[]>([]);
  const gesture = useRef<Gesture | null>(null);
  const editor = useEditorStore();
  const view = useEditorViewStore();

  // load the photo once and draw it into the downscaled bitmap
  useEffect(() => {
    let cancelled = false;
    const image = new Image();
    image.decoding = 'async';
    image.onload = () => {
      if (!cancelled) setBackdrop(makeBackdrop(image, width, height));
    };
    image.onerror = () => {
      if (!cancelled) setImageError(true);
    };
    image.src = imageUrl;
    return () => {
      cancelled = true;
    };
  }, [imageUrl, width, height]);

  // follow the container's size; fit the image the first time
  useEffect(() => {
    const container = containerRef.current;
    if (container === null) return;
    const store = useEditorViewStore.getState();
    store.setSizes({ imageWidth: width, imageHeight: height });
    const measure = () => {
      const { clientWidth, clientHeight } = container;
      const first = useEditorViewStore.getState().viewWidth === 0;
      useEditorViewStore.getState().setSizes({ viewWidth: clientWidth, viewHeight: clientHeight });
      if (first) useEditorViewStore.getState().fit();
    };
    useEditorViewStore.getState().setSizes({ viewWidth: 0, viewHeight: 0 });
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(container);
    return () => {
      observer.disconnect();
    };
  }, [width, height]);

  // redraw on the next frame after any change
  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d') ?? null;
    if (canvas === null || ctx === null || view.viewWidth === 0) return;
    const dpr = window.devicePixelRatio || 1;
    const frame = requestAnimationFrame(() => {
      const pixelWidth = Math.round(view.viewWidth * dpr);
      const pixelHeight = Math.round(view.viewHeight * dpr);
      if (canvas.width !== pixelWidth) canvas.width = pixelWidth;
      if (canvas.height !== pixelHeight) canvas.height = pixelHeight;
      drawFrame({
        ctx,
        viewWidth: view.viewWidth,
        viewHeight: view.viewHeight,
        dpr,
        zoom: view.zoom,
        x: view.x,
        y: view.y,
        imageWidth: width,
        imageHeight: height,
        backdrop,
        instances: editor.instances,
        selectedKey: editor.selectedKey,
        tool: editor.tool,
        draft: editor.draft,
        stroke,
        brushRadius: editor.brushRadius,
        cursor,
        showMasks,
      });
    });
    return () => {
      cancelAnimationFrame(frame);
    };
  }, [view, editor, backdrop, stroke, cursor, showMasks, width, height]);

  // wheel zoom needs a non-passive listener to keep the page from scrolling
  useEffect(() => {
    const canvas = canvasRef.current;
    if (canvas === null) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = canvas.getBoundingClientRect();
      const factor = event.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP;
      useEditorViewStore
        .getState()
        .zoomAt(factor, event.clientX - rect.left, event.clientY - rect.top);
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      canvas.removeEventListener('wheel', onWheel);
    };
  }, []);

  const local = (event: React.PointerEvent) => {
    const rect = event.currentTarget.getBoundingClientRect();
    return [event.clientX - rect.left, event.clientY - rect.top] as const;
  };

  const onPointerDown = (event: React.PointerEvent<HTMLCanvasElement>) => {
    const [sx, sy] = local(event);
    const point = toImage(sx, sy);
    const state = useEditorStore.getState();
    event.currentTarget.setPointerCapture(event.pointerId);
    const panButton = event.button === 1 || event.button === 2 || event.shiftKey;
    if (panButton || (state.tool === 'select' && event.button === 0)) {
      gesture.current = { kind: 'pan', lastX: sx, lastY: sy, startX: sx, startY: sy, moved: false };
      return;
    }
    if (event.button !== 0) return;
    if (state.tool === 'brush' || state.tool === 'erase') {
      gesture.current = { kind: 'stroke' };
      setStroke([point]);
      return;
    }
    if (state.tool === 'polygon') {
      const first = state.draft[0];
      const zoom = useEditorViewStore.getState().zoom;
      if (
        first !== undefined &&
        state.draft.length >= 3 &&
        Math.hypot(first[0] - point[0], first[1] - point[1]) * zoom <= CLOSE_DISTANCE_PX
      ) {
        state.closePolygon();
      } else {
        state.addDraftPoint(point);
      }
      return;
    }
    if (state.tool === 'split') {
      const start = state.draft[0];
      if (start === undefined) {
        if (state.selectedKey === null) state.selectAt(point);
        state.addDraftPoint(point);
      } else {
        state.splitSelected(start, point);
      }
    }
  };

  const onPointerMove = (event: React.PointerEvent<HTMLCanvasElement>) => {
    const [sx, sy] = local(event);
    const point = toImage(sx, sy);
    setCursor(point);
    const current = gesture.current;
    if (current?.kind === 'pan') {
      useEditorViewStore.getState().panBy(sx - current.lastX, sy - current.lastY);
      current.lastX = sx;
      current.lastY = sy;
      if (Math.hypot(sx - current.startX, sy - current.startY) > 3) current.moved = true;
    } else if (current?.kind === 'stroke') {
      setStroke((points) => [...points, point]);
    }
  };

  const onPointerUp = (event: React.PointerEvent<HTMLCanvasElement>) => {
    const current = gesture.current;
    gesture.current = null;
    const state = useEditorStore.getState();
    if (current?.kind === 'pan' && !current.moved && state.tool === 'select') {
      const [sx, sy] = local(event);
      state.selectAt(toImage(sx, sy));
    } else if (current?.kind === 'stroke') {
      state.applyStroke(stroke, state.tool === 'erase' ? 'erase' : 'paint');
      setStroke([]);
    }
  };

  return (
    <div
      ref={containerRef}
      className="relative h-full min-h-[420px] w-full overflow-hidden rounded-lg bg-slate-900"
    >
      <canvas
        ref={canvasRef}
        data-testid="editor-canvas"
        aria-label="Annotation canvas"
        className="absolute inset-0 size-full touch-none"
        style={{ cursor: editor.tool === 'select' ? 'grab' : 'crosshair' }}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerLeave={() => {
          setCursor(null);
        }}
        onContextMenu={(event) => {
          event.preventDefault();
        }}
      />
      {backdrop === null && !imageError && (
        <p className="absolute inset-x-0 top-4 text-center text-sm text-slate-400">
          Loading the image…
        </p>
      )}
      {imageError && (
        <p role="alert" className="absolute inset-x-0 top-4 text-center text-sm text-red-400">
          The image could not be loaded.
        </p>
      )}
    </div>
  );
}
