import type { PredictedInstance } from '@/services/prediction.service';
import type { LayerToggles } from '@/store/predictionStore';

import { instanceColor } from './colors';

const LABEL_SCREEN_PX = 12;

function pointsOf(flat: readonly number[]): string {
  const pairs: string[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push(`${flat[i] ?? 0},${flat[i + 1] ?? 0}`);
  return pairs.join(' ');
}

function pathOf(polygons: readonly (readonly number[])[]): string {
  return polygons
    .filter((polygon) => polygon.length >= 6)
    .map((polygon) => `M${pointsOf(polygon).replaceAll(' ', 'L')}Z`)
    .join(' ');
}

interface Props {
  width: number;
  height: number;
  instances: readonly PredictedInstance[];
  layers: LayerToggles;
  highlightedId: number | null;
  /** The viewer's zoom: labels keep a readable size on screen. */
  zoom: number;
  onHover: (id: number | null) => void;
}

/** The cracks drawn in image pixel coordinates: filled masks, boxes, labels and skeletons. */
export function OverlayLayer({
  width,
  height,
  instances,
  layers,
  highlightedId,
  zoom,
  onHover,
}: Props) {
  const fontSize = LABEL_SCREEN_PX / Math.max(zoom, 0.01);
  return (
    <svg
      data-testid="prediction-overlay"
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      className="absolute top-0 left-0"
      aria-label={`${instances.length} cracks drawn on the image`}
      role="img"
    >
      {instances.map((instance) => {
        const color = instanceColor(instance.id);
        const highlighted = highlightedId === instance.id;
        const dimmed = highlightedId !== null && !highlighted;
        const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = instance.box;
        return (
          <g
            key={instance.id}
            data-testid={`overlay-instance-${instance.id}`}
            opacity={dimmed ? 0.45 : 1}
            onPointerEnter={() => {
              onHover(instance.id);
            }}
            onPointerLeave={() => {
              onHover(null);
            }}
          >
            {layers.masks && instance.polygons.length > 0 && (
              <path
                d={pathOf(instance.polygons)}
                fill={color}
                fillOpacity={highlighted ? 0.6 : 0.4}
                fillRule="evenodd"
                stroke={color}
                strokeWidth={1}
                vectorEffect="non-scaling-stroke"
              />
            )}
            {layers.boxes && (
              <rect
                x={x1}
                y={y1}
                width={Math.max(0, x2 - x1)}
                height={Math.max(0, y2 - y1)}
                fill="none"
                stroke={color}
                strokeWidth={highlighted ? 3 : 1.5}
                vectorEffect="non-scaling-stroke"
              />
            )}
            {layers.skeletons &&
              instance.skeleton.map((line, index) => (
                <polyline
                  key={index}
                  points={pointsOf(line)}
                  fill="none"
                  stroke="#fde047"
                  strokeWidth={highlighted ? 2.5 : 1.5}
                  vectorEffect="non-scaling-stroke"
                />
              ))}
            {layers.labels && (
              <text
                x={x1}
                y={Math.max(fontSize, y1 - fontSize / 4)}
                fontSize={fontSize}
                fontFamily="ui-sans-serif, system-ui, sans-serif"
                fontWeight={600}
                fill="#fff"
                stroke={color}
                strokeWidth={fontSize / 5}
                paintOrder="stroke"
              >
                {`#${instance.id} ${instance.class_name} ${instance.score.toFixed(2)}`}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
