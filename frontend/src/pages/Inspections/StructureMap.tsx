import 'leaflet/dist/leaflet.css';

import L from 'leaflet';
import { useEffect, useRef } from 'react';

import type { MapPoint, MapSettings } from '@/services/inspections.service';

import { pointBounds, severityColour, severityLabel } from './severity';

export interface StructureMapViewProps {
  points: readonly MapPoint[];
  settings: MapSettings | undefined;
  onSelect?: (point: MapPoint) => void;
}

/**
 * The structure's located photos as circles coloured by worst severity, with a scale bar. With no
 * tile source configured (CRACKDET_MAP_TILE_URL empty, the default) the map stays offline: the
 * points on a blank background, still placed and scaled by their coordinates.
 */
export function StructureMapView({ points, settings, onSelect }: StructureMapViewProps) {
  const container = useRef<HTMLDivElement | null>(null);
  const onSelectRef = useRef(onSelect);
  useEffect(() => {
    onSelectRef.current = onSelect;
  }, [onSelect]);

  useEffect(() => {
    const element = container.current;
    if (element === null) return undefined;
    const map = L.map(element, { attributionControl: Boolean(settings?.tile_url) });
    if (settings?.tile_url) {
      L.tileLayer(settings.tile_url, {
        maxZoom: 20,
        attribution: settings.attribution ?? '',
      }).addTo(map);
    }
    L.control.scale({ metric: true, imperial: false }).addTo(map);
    for (const point of points) {
      const colour = severityColour(point.worst_severity);
      const marker = L.circleMarker([point.latitude, point.longitude], {
        radius: 8,
        color: '#0f172a',
        weight: 1,
        fillColor: colour,
        fillOpacity: 0.9,
        className: `map-point severity-${point.worst_severity ?? 'none'}`,
      }).addTo(map);
      marker.bindTooltip(
        `${point.image_name} · ${point.inspected_on} · ${point.crack_count} crack(s), ${severityLabel(point.worst_severity)}`,
      );
      marker.on('click', () => onSelectRef.current?.(point));
    }
    const bounds = pointBounds(points);
    if (bounds === null) map.setView([0, 0], 2);
    else map.fitBounds(bounds, { maxZoom: 19 });
    return () => {
      map.remove();
    };
  }, [points, settings]);

  return (
    <div
      ref={container}
      data-testid="structure-map"
      data-points={points.length}
      className="h-80 w-full rounded-lg bg-slate-100 ring-1 ring-slate-200"
      role="region"
      aria-label="Map of the structure's photos"
    />
  );
}
