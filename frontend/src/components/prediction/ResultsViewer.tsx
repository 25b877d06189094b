import { Maximize, Minus, Plus } from 'lucide-react';
import { useRef } from 'react';

import { Button } from '@/components/common/Button';
import type { PredictedInstance, PredictionResult } from '@/services/prediction.service';
import { usePredictionStore, type LayerName } from '@/store/predictionStore';
import { cn } from '@/utils/cn';

import { OverlayLayer } from './OverlayLayer';
import { ThresholdSliders } from './ThresholdSliders';
import { useZoomPan } from './useZoomPan';

const LAYERS: { id: LayerName; label: string }[] = [
  { id: 'masks', label: 'Masks' },
  { id: 'boxes', label: 'Boxes' },
  { id: 'labels', label: 'Labels' },
  { id: 'skeletons', label: 'Skeletons' },
];

function LayerToggles() {
  const layers = usePredictionStore((state) => state.layers);
  const toggle = usePredictionStore((state) => state.toggleLayer);
  return (
    <div role="group" aria-label="Layers" className="flex flex-wrap gap-1.5">
      {LAYERS.map((layer) => (
        <button
          key={layer.id}
          type="button"
          aria-pressed={layers[layer.id]}
          className={cn(
            'rounded-full px-2.5 py-1 text-xs font-medium ring-1 ring-inset transition-colors',
            layers[layer.id]
              ? 'bg-sky-50 text-sky-700 ring-sky-600/30'
              : 'bg-white text-slate-500 ring-slate-300 hover:bg-slate-50',
          )}
          onClick={() => {
            toggle(layer.id);
          }}
        >
          {layer.label}
        </button>
      ))}
    </div>
  );
}

export interface ResultsViewerProps {
  result: PredictionResult;
  /** The instances the sliders keep (computed once by the parent, shared with the table). */
  visible: readonly PredictedInstance[];
}

/** The image with its cracks drawn over it; zoom with the wheel or buttons, pan by dragging. */
export function ResultsViewer({ result, visible }: ResultsViewerProps) {
  const viewportRef = useRef<HTMLDivElement>(null);
  const { view, fit, zoomBy, handlers } = useZoomPan(viewportRef, result.width, result.height);
  const layers = usePredictionStore((state) => state.layers);
  const highlightedId = usePredictionStore((state) => state.highlightedId);
  const setHighlighted = usePredictionStore((state) => state.setHighlighted);

  return (
    <div data-testid="results-viewer" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <LayerToggles />
        <div className="flex items-center gap-1">
          <Button
            variant="ghost"
            size="sm"
            aria-label="Zoom out"
            onClick={() => {
              zoomBy(1 / 1.25);
            }}
          >
            <Minus className="size-4" aria-hidden="true" />
          </Button>
          <span className="w-12 text-center text-xs text-slate-600 tabular-nums">
            {Math.round(view.zoom * 100)}%
          </span>
          <Button
            variant="ghost"
            size="sm"
            aria-label="Zoom in"
            onClick={() => {
              zoomBy(1.25);
            }}
          >
            <Plus className="size-4" aria-hidden="true" />
          </Button>
          <Button variant="ghost" size="sm" aria-label="Fit to view" onClick={fit}>
            <Maximize className="size-4" aria-hidden="true" />
          </Button>
        </div>
      </div>
      <ThresholdSliders />
      <div
        ref={viewportRef}
        data-testid="results-viewport"
        className="relative h-[28rem] cursor-grab touch-none overflow-hidden rounded-lg bg-slate-900 select-none active:cursor-grabbing"
        {...handlers}
      >
        <div
          className="absolute top-0 left-0 origin-top-left"
          style={{
            width: result.width,
            height: result.height,
            transform: `translate(${view.x}px, ${view.y}px) scale(${view.zoom})`,
          }}
        >
          <img
            src={result.image_url}
            alt={result.image_name}
            width={result.width}
            height={result.height}
            draggable={false}
            className="absolute top-0 left-0 max-w-none"
          />
          <OverlayLayer
            width={result.width}
            height={result.height}
            instances={visible}
            layers={layers}
            highlightedId={highlightedId}
            zoom={view.zoom}
            onHover={setHighlighted}
          />
        </div>
      </div>
      <p className="text-xs text-slate-500">
        {visible.length} of {result.instances.length} returned instances shown · {result.width}×
        {result.height} px · {result.backend}
        {result.tiles > 1 ? ` · ${result.tiles} tiles` : ''}
      </p>
    </div>
  );
}
