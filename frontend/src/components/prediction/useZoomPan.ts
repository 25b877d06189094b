import { useCallback, useEffect, useRef, useState, type PointerEvent, type RefObject } from 'react';

export const MIN_ZOOM = 0.05;
export const MAX_ZOOM = 16;

export interface View {
  zoom: number;
  x: number;
  y: number;
}

function clampZoom(zoom: number): number {
  return Math.min(Math.max(zoom, MIN_ZOOM), MAX_ZOOM);
}

/** Zoom about a point (viewport coordinates) so the image point under it stays put. */
export function zoomAt(view: View, factor: number, px: number, py: number): View {
  const zoom = clampZoom(view.zoom * factor);
  const ratio = zoom / view.zoom;
  return { zoom, x: px - (px - view.x) * ratio, y: py - (py - view.y) * ratio };
}

/** The view that fits a width x height image into the viewport, centred. */
export function fitView(width: number, height: number, vw: number, vh: number): View {
  if (width <= 0 || height <= 0 || vw <= 0 || vh <= 0) return { zoom: 1, x: 0, y: 0 };
  const zoom = clampZoom(Math.min(vw / width, vh / height));
  return { zoom, x: (vw - width * zoom) / 2, y: (vh - height * zoom) / 2 };
}

/** Wheel zoom, drag pan and button zoom for an image inside `viewportRef`. */
export function useZoomPan(
  viewportRef: RefObject<HTMLDivElement | null>,
  width: number,
  height: number,
) {
  const [view, setView] = useState<View>({ zoom: 1, x: 0, y: 0 });
  const drag = useRef<{ x: number; y: number } | null>(null);

  const fit = useCallback(() => {
    const element = viewportRef.current;
    if (element === null) return;
    setView(fitView(width, height, element.clientWidth, element.clientHeight));
  }, [viewportRef, width, height]);

  useEffect(() => {
    fit();
  }, [fit]);

  useEffect(() => {
    const element = viewportRef.current;
    if (element === null) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = element.getBoundingClientRect();
      const factor = event.deltaY < 0 ? 1.15 : 1 / 1.15;
      setView((current) =>
        zoomAt(current, factor, event.clientX - rect.left, event.clientY - rect.top),
      );
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      element.removeEventListener('wheel', onWheel);
    };
  }, [viewportRef]);

  const zoomBy = useCallback(
    (factor: number) => {
      const element = viewportRef.current;
      const cx = (element?.clientWidth ?? 0) / 2;
      const cy = (element?.clientHeight ?? 0) / 2;
      setView((current) => zoomAt(current, factor, cx, cy));
    },
    [viewportRef],
  );

  const handlers = {
    onPointerDown: (event: PointerEvent<HTMLDivElement>) => {
      drag.current = { x: event.clientX, y: event.clientY };
      event.currentTarget.setPointerCapture(event.pointerId);
    },
    onPointerMove: (event: PointerEvent<HTMLDivElement>) => {
      const start = drag.current;
      if (start === null) return;
      const dx = event.clientX - start.x;
      const dy = event.clientY - start.y;
      drag.current = { x: event.clientX, y: event.clientY };
      setView((current) => ({ ...current, x: current.x + dx, y: current.y + dy }));
    },
    onPointerUp: () => {
      drag.current = null;
    },
  };

  return { view, fit, zoomBy, handlers };
}
