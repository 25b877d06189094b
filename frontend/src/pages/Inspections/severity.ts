import type { MapPoint } from '@/services/inspections.service';

/** Marker and badge colours by worst severity; grey when no scale is known (no severity). */
const NO_SEVERITY_COLOUR = '#64748b';
export const SEVERITY_COLOURS: Record<string, string> = {
  narrow: '#16a34a',
  moderate: '#ea580c',
  wide: '#dc2626',
};

export function severityColour(severity: string | null | undefined): string {
  return (severity ? SEVERITY_COLOURS[severity] : undefined) ?? NO_SEVERITY_COLOUR;
}

export function severityLabel(severity: string | null | undefined): string {
  return severity ?? 'no scale';
}

/** [[south, west], [north, east]] of the points, padded so a single point still gets an area. */
export function pointBounds(
  points: readonly MapPoint[],
): [[number, number], [number, number]] | null {
  if (points.length === 0) return null;
  const lats = points.map((p) => p.latitude);
  const lons = points.map((p) => p.longitude);
  const pad = 0.0005; // about 50 m
  return [
    [Math.min(...lats) - pad, Math.min(...lons) - pad],
    [Math.max(...lats) + pad, Math.max(...lons) + pad],
  ];
}
