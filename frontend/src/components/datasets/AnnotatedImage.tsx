import { ImageOff } from 'lucide-react';
import { useState } from 'react';

import type { ImageAnnotation } from '@/services/datasets.service';
import { cn } from '@/utils/cn';

import { classColor } from './colors';

export interface AnnotatedImageProps {
  src: string;
  alt: string;
  width: number;
  height: number;
  annotations: readonly ImageAnnotation[];
  showMasks: boolean;
  className?: string;
}

/**
 * An image with its annotation polygons drawn over it in SVG (normalised coordinates, so the
 * overlay fits any display size). The box keeps the image's aspect ratio inside its parent.
 */
export function AnnotatedImage({
  src,
  alt,
  width,
  height,
  annotations,
  showMasks,
  className,
}: AnnotatedImageProps) {
  const [failed, setFailed] = useState(false);
  const landscape = width >= height;
  return (
    <div
      className={cn('relative max-h-full max-w-full', landscape ? 'w-full' : 'h-full', className)}
      style={{ aspectRatio: `${Math.max(width, 1)} / ${Math.max(height, 1)}` }}
    >
      {failed ? (
        <div className="flex size-full flex-col items-center justify-center gap-1 bg-slate-800 text-xs text-slate-400">
          <ImageOff className="size-5" aria-hidden="true" />
          Image unavailable
        </div>
      ) : (
        <img
          src={src}
          alt={alt}
          className="absolute inset-0 size-full object-fill"
          draggable={false}
          onError={() => {
            setFailed(true);
          }}
        />
      )}
      {showMasks && annotations.length > 0 && (
        <svg
          className="pointer-events-none absolute inset-0 size-full"
          viewBox="0 0 1 1"
          preserveAspectRatio="none"
          aria-hidden="true"
          data-testid="mask-overlay"
        >
          {annotations.map((annotation, index) => {
            const color = classColor(annotation.class_id);
            return (
              <polygon
                key={index}
                points={annotation.points.map(([x, y]) => `${x},${y}`).join(' ')}
                fill={color}
                fillOpacity={0.4}
                stroke={color}
                strokeWidth={1.25}
                strokeLinejoin="round"
                vectorEffect="non-scaling-stroke"
              />
            );
          })}
        </svg>
      )}
    </div>
  );
}
