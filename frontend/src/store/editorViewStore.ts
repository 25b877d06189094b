/**
 * The mask editor's viewport: zoom (screen px per image px) and pan (screen position of the image's
 * origin). Apart from the edit state: zooming is not an edit and is never undone.
 */
import { create } from 'zustand';

export const MIN_ZOOM = 0.01;
export const MAX_ZOOM = 32;
export const ZOOM_STEP = 1.25;

interface EditorViewState {
  zoom: number;
  x: number;
  y: number;
  /** Canvas size in CSS px. */
  viewWidth: number;
  viewHeight: number;
  imageWidth: number;
  imageHeight: number;
  setSizes: (sizes: {
    viewWidth?: number;
    viewHeight?: number;
    imageWidth?: number;
    imageHeight?: number;
  }) => void;
  fit: () => void;
  /** Zooms by `factor` keeping the screen point (sx, sy) still (the view centre by default). */
  zoomAt: (factor: number, sx?: number, sy?: number) => void;
  panBy: (dx: number, dy: number) => void;
  /** Pans (zoom kept) so the centre of an image-pixel box is at the centre of the view. */
  centerOn: (box: { x0: number; y0: number; x1: number; y1: number }) => void;
}

export const useEditorViewStore = create<EditorViewState>()((set, get) => ({
  zoom: 1,
  x: 0,
  y: 0,
  viewWidth: 0,
  viewHeight: 0,
  imageWidth: 0,
  imageHeight: 0,
  setSizes: (sizes) => {
    set(sizes);
  },
  fit: () => {
    const { viewWidth, viewHeight, imageWidth, imageHeight } = get();
    if (viewWidth <= 0 || viewHeight <= 0 || imageWidth <= 0 || imageHeight <= 0) return;
    const zoom = Math.min(viewWidth / imageWidth, viewHeight / imageHeight) * 0.98;
    set({
      zoom,
      x: (viewWidth - imageWidth * zoom) / 2,
      y: (viewHeight - imageHeight * zoom) / 2,
    });
  },
  zoomAt: (factor, sx, sy) => {
    const { zoom, x, y, viewWidth, viewHeight } = get();
    const next = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom * factor));
    const px = sx ?? viewWidth / 2;
    const py = sy ?? viewHeight / 2;
    // the image point under (px, py) stays under it
    set({
      zoom: next,
      x: px - ((px - x) / zoom) * next,
      y: py - ((py - y) / zoom) * next,
    });
  },
  panBy: (dx, dy) => {
    set((state) => ({ x: state.x + dx, y: state.y + dy }));
  },
  centerOn: (box) => {
    const { zoom, viewWidth, viewHeight } = get();
    set({
      x: viewWidth / 2 - ((box.x0 + box.x1) / 2) * zoom,
      y: viewHeight / 2 - ((box.y0 + box.y1) / 2) * zoom,
    });
  },
}));

/** The image point under a screen point of the canvas. */
export function toImage(sx: number, sy: number): [number, number] {
  const { zoom, x, y } = useEditorViewStore.getState();
  return [(sx - x) / zoom, (sy - y) / zoom];
}
