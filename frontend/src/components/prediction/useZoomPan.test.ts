import { fitView, MAX_ZOOM, zoomAt } from './useZoomPan';

describe('zoom and pan maths', () => {
  it('fits a large image into the viewport, centred', () => {
    expect(fitView(6000, 4000, 600, 600)).toEqual({ zoom: 0.1, x: 0, y: 100 });
  });

  it('keeps the image point under the cursor in place when zooming', () => {
    const view = { zoom: 1, x: 10, y: 20 };
    const next = zoomAt(view, 2, 110, 120);
    // Image point under (110, 120) was (100, 100); it still is.
    expect((110 - next.x) / next.zoom).toBeCloseTo(100);
    expect((120 - next.y) / next.zoom).toBeCloseTo(100);
  });

  it('clamps the zoom', () => {
    expect(zoomAt({ zoom: MAX_ZOOM, x: 0, y: 0 }, 4, 0, 0).zoom).toBe(MAX_ZOOM);
  });
});
