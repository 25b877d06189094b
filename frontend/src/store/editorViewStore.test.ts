import { toImage, useEditorViewStore } from './editorViewStore';

const view = () => useEditorViewStore.getState();

beforeEach(() => {
  useEditorViewStore.setState({ zoom: 1, x: 0, y: 0 });
  view().setSizes({ viewWidth: 1200, viewHeight: 800, imageWidth: 6000, imageHeight: 4000 });
});

describe('editor viewport', () => {
  it('fits a 6000x4000 photo into the view, centred', () => {
    view().fit();
    expect(view().zoom).toBeCloseTo(0.196, 3);
    const [left, top] = toImage(view().x, view().y);
    expect(left).toBeCloseTo(0, 6);
    expect(top).toBeCloseTo(0, 6);
    // the image centre is the view centre
    const [cx, cy] = toImage(600, 400);
    expect(cx).toBeCloseTo(3000, 6);
    expect(cy).toBeCloseTo(2000, 6);
  });

  it('zooms about a screen point, which keeps the image point under it', () => {
    view().fit();
    const before = toImage(300, 200);
    view().zoomAt(4, 300, 200);
    expect(view().zoom).toBeCloseTo(0.784, 3);
    const after = toImage(300, 200);
    expect(after[0]).toBeCloseTo(before[0], 6);
    expect(after[1]).toBeCloseTo(before[1], 6);
  });

  it('keeps the zoom within its limits and pans by screen pixels', () => {
    for (let i = 0; i < 100; i += 1) view().zoomAt(2);
    expect(view().zoom).toBe(32);
    const [x, y] = [view().x, view().y];
    view().panBy(10, -5);
    expect([view().x, view().y]).toEqual([x + 10, y - 5]);
  });

  it('centres an instance box at the current zoom', () => {
    useEditorViewStore.setState({ zoom: 2 });
    view().centerOn({ x0: 5000, y0: 3000, x1: 5200, y1: 3100 });
    const [cx, cy] = toImage(600, 400);
    expect(cx).toBeCloseTo(5100, 6);
    expect(cy).toBeCloseTo(3050, 6);
    expect(view().zoom).toBe(2);
  });
});
