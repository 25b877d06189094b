import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import {
  earlierInspections,
  formatScale,
  hasWorkInProgress,
  sameElement,
  uploadForm,
  type InspectionDetail,
  type InspectionImage,
  type MapPoint,
  type StructureDetail,
} from '@/services/inspections.service';
import { createTestQueryClient, jsonResponse, mockFetch } from '@/test/utils';

import { ScalePanel } from './ScalePanel';
import { pointBounds, severityColour, SEVERITY_COLOURS } from './severity';
import { trendRows } from './trend';

function image(overrides: Partial<InspectionImage> = {}): InspectionImage {
  return {
    id: 'img1',
    inspection_id: 'insp2',
    prediction_id: 'pred1',
    image_name: 'pier-3.jpg',
    image_url: '/img',
    annotated_url: '/ann',
    width: 800,
    height: 600,
    element_label: 'Pier 3',
    camera: null,
    location: null,
    distance_m: null,
    scale: {
      mm_per_px: 0.25,
      source: 'marker',
      uncertainty_pct: 1.2,
      choice: 'auto',
      auto_source: 'marker',
      conflict: true,
      candidates: [
        {
          source: 'marker',
          mm_per_px: 0.25,
          uncertainty_pct: 1.2,
          detail: 'marker 7',
          warning: null,
        },
        { source: 'exif', mm_per_px: 0.31, uncertainty_pct: 8, detail: 'DJI M3E', warning: null },
      ],
      notes: ['The photo has no GPS position: it is not on the map.'],
      manual_mm_per_px: null,
    },
    cracks: [],
    total_length_mm: 0,
    max_width_mm: 0,
    worst_severity: null,
    analysis_status: 'completed',
    analysis_error: null,
    version: 3,
    created_at: '2026-05-04T10:00:00Z',
    ...overrides,
  };
}

function point(latitude: number, longitude: number): MapPoint {
  return {
    image_id: `${latitude}`,
    inspection_id: 'i',
    inspected_on: '2026-05-04',
    image_name: 'p.jpg',
    latitude,
    longitude,
    crack_count: 1,
    worst_severity: 'wide',
  };
}

describe('inspection helpers', () => {
  it('colours by worst severity, grey without a scale', () => {
    expect(severityColour('wide')).toBe(SEVERITY_COLOURS.wide);
    expect(severityColour('narrow')).not.toBe(severityColour('wide'));
    expect(severityColour(null)).toBe(severityColour(undefined));
    expect(Object.values(SEVERITY_COLOURS)).not.toContain(severityColour(null));
  });

  it('bounds every point, with room around a single one', () => {
    expect(pointBounds([])).toBeNull();
    const [[south, west], [north, east]] = pointBounds([point(52.52, 13.4), point(52.53, 13.41)])!;
    expect(south).toBeLessThan(52.52);
    expect(north).toBeGreaterThan(52.53);
    expect(west).toBeLessThan(13.4);
    expect(east).toBeGreaterThan(13.41);
    const [[s1], [n1]] = pointBounds([point(1, 1)])!;
    expect(n1 - s1).toBeGreaterThan(0);
  });

  it('formats a scale with its uncertainty', () => {
    expect(formatScale(0.25, 1.24)).toBe('0.250 mm/px ± 1.2 %');
    expect(formatScale(0.25)).toBe('0.250 mm/px');
    expect(formatScale(null)).toBe('no scale');
  });

  it('sends one files field per photo and only the set parameters', () => {
    const form = uploadForm([new File(['a'], 'a.jpg'), new File(['b'], 'b.jpg')], {
      inspection_id: 'i1',
      model_id: 'm1',
      element_label: null,
      distance_m: 2.5,
    });
    expect(form.getAll('files')).toHaveLength(2);
    expect(form.get('inspection_id')).toBe('i1');
    expect(form.get('model_id')).toBe('m1');
    expect(form.get('distance_m')).toBe('2.5');
    expect(form.has('element_label')).toBe(false);
  });

  it('pairs photos of one element and looks back in time only', () => {
    const images = [
      image(),
      image({ id: 'img2', element_label: 'Deck' }),
      image({ id: 'img3', element_label: null }),
    ];
    expect(sameElement(images, 'Pier 3').map((i) => i.id)).toEqual(['img1']);
    expect(sameElement(images, null)).toEqual([]);
    const inspection = (id: string, day: string) =>
      ({ id, inspected_on: day }) as StructureDetail['inspections'][number];
    const structure = {
      inspections: [
        inspection('c', '2027-01-01'),
        inspection('b', '2026-05-04'),
        inspection('a', '2025-05-02'),
      ],
    } as StructureDetail;
    expect(earlierInspections(structure, inspection('b', '2026-05-04')).map((i) => i.id)).toEqual([
      'a',
    ]);
  });

  it('orders the trend oldest first and keeps unknown lengths empty', () => {
    const inspection = (day: string, cracks: number, length: number | null) =>
      ({
        inspected_on: day,
        crack_count: cracks,
        total_length_mm: length,
      }) as StructureDetail['inspections'][number];
    expect(
      trendRows([inspection('2026-05-04', 3, 120.5), inspection('2025-05-02', 1, null)]),
    ).toEqual([
      { date: '2025-05-02', cracks: 1, lengthMm: null },
      { date: '2026-05-04', cracks: 3, lengthMm: 120.5 },
    ]);
  });

  it('keeps polling while an image, a report or a comparison is in progress', () => {
    const detail = { images: [image()], reports: [], growth: [] } as unknown as InspectionDetail;
    expect(hasWorkInProgress(detail)).toBe(false);
    expect(hasWorkInProgress({ ...detail, images: [image({ analysis_status: 'running' })] })).toBe(
      true,
    );
    expect(hasWorkInProgress(undefined)).toBe(false);
  });
});

describe('ScalePanel', () => {
  function renderPanel(onChanged = vi.fn()) {
    render(
      <QueryClientProvider client={createTestQueryClient()}>
        <ScalePanel image={image()} onChanged={onChanged} />
      </QueryClientProvider>,
    );
    return onChanged;
  }

  it('shows both values of a conflict and the reasons a source gave nothing', () => {
    renderPanel();
    expect(screen.getByTestId('scale-value')).toHaveTextContent('0.250 mm/px ± 1.2 %');
    expect(screen.getByText(/disagree by more than 10 %/)).toBeInTheDocument();
    expect(
      screen.getByText(/Marker 0.250 mm\/px vs Camera \(EXIF\) 0.310 mm\/px/),
    ).toBeInTheDocument();
    expect(screen.getByText(/no GPS position/)).toBeInTheDocument();
  });

  it('sends the version with a choice and offers a reload when it was stale', async () => {
    const fetchMock = mockFetch({
      '/api/v1/inspections/images/img1': () =>
        jsonResponse(
          { detail: 'This image was changed since you read it: version 3 is stale' },
          409,
        ),
    });
    const onChanged = renderPanel();
    await userEvent.click(screen.getByRole('button', { name: 'Use camera (exif)' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('version 3 is stale');
    const request = fetchMock.mock.calls[0]![0] as Request;
    expect(request.method).toBe('PATCH');
    expect(await request.json()).toEqual({ version: 3, scale_choice: 'exif' });
    await userEvent.click(screen.getByRole('button', { name: 'Reload' }));
    expect(onChanged).toHaveBeenCalledTimes(1);
  });
});
