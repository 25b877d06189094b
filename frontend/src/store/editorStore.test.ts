import { polygonArea, type Point } from '@/components/editor/geometry';
import { encodeCounts } from '@/components/editor/rle';
import type { ImageAnnotations } from '@/services/annotations.service';

import { containsPoint, hasUnsavedChanges, useEditorStore } from './editorStore';

const SQUARE: [number, number][] = [
  [10, 10],
  [50, 10],
  [50, 50],
  [10, 50],
];

function loaded(overrides: Partial<ImageAnnotations> = {}): ImageAnnotations {
  return {
    image_id: 'img1',
    dataset_id: 'ds1',
    split: 'train',
    file_name: 'wall.jpg',
    class_names: ['crack'],
    version: 1,
    width: 200,
    height: 100,
    etag: '"v1"',
    reviewed: false,
    instances: [
      {
        id: 'a',
        class_id: 0,
        polygon: SQUARE,
        rle: null,
        source: 'predicted',
        score: 0.42,
        reviewed: false,
      },
    ],
    ...overrides,
  };
}

const store = () => useEditorStore.getState();

function drawPolygon(points: Point[]) {
  store().setTool('polygon');
  for (const point of points) store().addDraftPoint(point);
  return store().closePolygon();
}

beforeEach(() => {
  store().load(loaded());
});

describe('editor store', () => {
  it('closes a polygon of three or more points into a drawn instance, and not before', () => {
    store().setClassId(2);
    store().addDraftPoint([100, 10]);
    store().addDraftPoint([150, 10]);
    expect(store().closePolygon()).toBe(false);
    expect(store().instances).toHaveLength(1);
    expect(store().draft).toHaveLength(2);

    store().addDraftPoint([150, 90]);
    expect(store().closePolygon()).toBe(true);
    const drawn = store().instances[1];
    expect(drawn).toMatchObject({
      id: null,
      class_id: 2,
      source: 'drawn',
      score: null,
      polygon: [
        [100, 10],
        [150, 10],
        [150, 90],
      ],
    });
    expect(store().draft).toEqual([]);
    expect(store().selectedKey).toBe(drawn?.key);
  });

  it('keeps drawn points inside the image', () => {
    drawPolygon([
      [-20, 5],
      [300, 5],
      [300, 400],
    ]);
    expect(store().instances[1]?.polygon).toEqual([
      [0, 5],
      [200, 5],
      [200, 100],
    ]);
  });

  it('undoes and redoes each edit in order, and a new edit clears the redo stack', () => {
    drawPolygon([
      [100, 10],
      [150, 10],
      [150, 90],
    ]);
    store().select('a');
    store().deleteSelected();
    expect(store().instances.map((item) => item.key)).not.toContain('a');
    expect(store().instances).toHaveLength(1);

    store().undo();
    expect(store().instances).toHaveLength(2);
    store().undo();
    expect(store().instances).toHaveLength(1);
    expect(hasUnsavedChanges(store())).toBe(false);
    store().undo(); // nothing left: no change
    expect(store().instances).toHaveLength(1);

    store().redo();
    expect(store().instances).toHaveLength(2);
    expect(hasUnsavedChanges(store())).toBe(true);

    store().changeClass('a', 3);
    expect(store().redoStack).toHaveLength(0);
    store().redo();
    expect(store().instances.find((item) => item.key === 'a')?.class_id).toBe(3);
  });

  it('changes the class of one instance as an undoable command and marks it reviewed', () => {
    store().changeClass('a', 1);
    expect(store().instances[0]).toMatchObject({ class_id: 1, reviewed: true, id: 'a' });
    store().undo();
    expect(store().instances[0]).toMatchObject({ class_id: 0, reviewed: false });
  });

  it('splits an instance along a cut into two instances that cover it', () => {
    store().select('a');
    expect(store().splitSelected([30, 0], [30, 60])).toBe(true);
    const pieces = store().instances;
    expect(pieces).toHaveLength(2);
    // the first piece keeps the server id (an update), the other is new
    expect(pieces.map((item) => item.id)).toEqual(['a', null]);
    const areas = pieces.map((item) => polygonArea(item.polygon ?? [])).sort((x, y) => x - y);
    // two halves of 40 x 40 less the 2 px cut (whole pixels)
    expect(areas[0]).toBeGreaterThan(700);
    expect(areas[1]).toBeLessThan(860);
    expect((areas[0] ?? 0) + (areas[1] ?? 0)).toBeGreaterThan(1500);
    expect(pieces.every((item) => item.source === 'drawn' && item.class_id === 0)).toBe(true);
    expect(containsPoint(pieces[0]!, [15, 30]) !== containsPoint(pieces[1]!, [15, 30])).toBe(true);

    store().undo();
    expect(store().instances).toHaveLength(1);
    expect(store().instances[0]?.polygon).toEqual(SQUARE);
  });

  it('does not split when the cut misses the instance', () => {
    store().select('a');
    expect(store().splitSelected([100, 0], [100, 60])).toBe(false);
    expect(store().instances).toHaveLength(1);
    expect(store().undoStack).toHaveLength(0);
  });

  it('paints a new instance with the brush and grows the selected one', () => {
    store().setBrushRadius(5);
    store().select(null);
    store().applyStroke(
      [
        [100, 50],
        [140, 50],
      ],
      'paint',
    );
    expect(store().instances).toHaveLength(2);
    const stroke = store().instances[1]!;
    expect(stroke.source).toBe('drawn');
    expect(containsPoint(stroke, [120, 50])).toBe(true);
    expect(containsPoint(stroke, [120, 60])).toBe(false);
    // a capsule of 40 x 10 plus two half discs
    expect(polygonArea(stroke.polygon ?? [])).toBeGreaterThan(400);
    expect(polygonArea(stroke.polygon ?? [])).toBeLessThan(560);

    store().select('a');
    store().applyStroke([[50, 30]], 'paint');
    const grown = store().instances.find((item) => item.key === 'a')!;
    expect(containsPoint(grown, [53, 30])).toBe(true);
    expect(polygonArea(grown.polygon ?? [])).toBeGreaterThan(1600);
  });

  it('erases across instances and splits one cut in two', () => {
    store().setBrushRadius(3);
    store().applyStroke(
      [
        [0, 30],
        [70, 30],
      ],
      'erase',
    );
    expect(store().instances).toHaveLength(2);
    expect(store().instances.every((item) => !containsPoint(item, [30, 30]))).toBe(true);
    store().undo();
    expect(store().instances).toHaveLength(1);
  });

  it('erasing away a whole instance removes it', () => {
    store().setBrushRadius(40);
    store().applyStroke([[30, 30]], 'erase');
    expect(store().instances).toHaveLength(0);
  });

  it('selects the topmost instance under a point and reads RLE masks', () => {
    // a 4x4 block at x 2..5, y 1..4 of a 10 x 8 image: columns of 8, runs per column
    const counts = [8 * 2 + 1, 4, 4, 4, 4, 4, 4, 4, 3 + 8 * 4];
    store().load(
      loaded({
        width: 10,
        height: 8,
        instances: [
          {
            id: '7',
            class_id: 0,
            polygon: null,
            rle: { size: [8, 10], counts: encodeCounts(counts) },
            source: 'predicted',
            score: 0.3,
            reviewed: false,
          },
        ],
      }),
    );
    store().selectAt([3.5, 2.5]);
    expect(store().selectedKey).toBe('7');
    store().selectAt([0.5, 0.5]);
    expect(store().selectedKey).toBeNull();

    // erasing part of an RLE instance turns it into a polygon
    store().setBrushRadius(1);
    store().applyStroke([[5.5, 4.5]], 'erase');
    const edited = store().instances[0]!;
    expect(edited.rle).toBeNull();
    expect(edited.id).toBe('7');
    expect(containsPoint(edited, [2.5, 1.5])).toBe(true);
  });

  it('sends the instances without the editor keys', () => {
    store().setReviewed(true);
    expect(store().toUpdate()).toEqual({
      reviewed: true,
      instances: [
        {
          id: 'a',
          class_id: 0,
          polygon: SQUARE,
          rle: null,
          source: 'predicted',
          score: 0.42,
          reviewed: false,
        },
      ],
    });
  });
});
