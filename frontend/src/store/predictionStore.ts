import { create } from 'zustand';

export interface LayerToggles {
  masks: boolean;
  boxes: boolean;
  labels: boolean;
  skeletons: boolean;
}

export type LayerName = keyof LayerToggles;

interface PredictionViewState {
  conf: number;
  iou: number;
  layers: LayerToggles;
  /** The crack (instance id) the user points at in the table or on the image. */
  highlightedId: number | null;
  setConf: (conf: number) => void;
  setIou: (iou: number) => void;
  setThresholds: (conf: number, iou: number) => void;
  toggleLayer: (layer: LayerName) => void;
  setHighlighted: (id: number | null) => void;
}

export const DEFAULT_LAYERS: LayerToggles = {
  masks: true,
  boxes: true,
  labels: true,
  skeletons: true,
};

function clamp01(value: number): number {
  return Math.min(Math.max(Number.isFinite(value) ? value : 0, 0), 1);
}

/** Display state of the results viewer: thresholds re-filter client-side, layers toggle drawing. */
export const usePredictionStore = create<PredictionViewState>()((set) => ({
  conf: 0.25,
  iou: 0.45,
  layers: DEFAULT_LAYERS,
  highlightedId: null,
  setConf: (conf) => {
    set({ conf: clamp01(conf) });
  },
  setIou: (iou) => {
    set({ iou: clamp01(iou) });
  },
  setThresholds: (conf, iou) => {
    set({ conf: clamp01(conf), iou: clamp01(iou) });
  },
  toggleLayer: (layer) => {
    set((state) => ({ layers: { ...state.layers, [layer]: !state.layers[layer] } }));
  },
  setHighlighted: (id) => {
    set({ highlightedId: id });
  },
}));
