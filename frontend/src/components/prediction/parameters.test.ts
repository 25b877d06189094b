import { DEFAULT_PARAMETERS, REQUEST_CONF, toPredictParams } from './parameters';

describe('toPredictParams', () => {
  it('uses the backend default thresholds and the chosen model', () => {
    const parsed = toPredictParams({ ...DEFAULT_PARAMETERS, modelId: 'm1' });
    expect(parsed.ok).toBe(true);
    expect(parsed.ok && parsed.params).toMatchObject({
      model_id: 'm1',
      conf: REQUEST_CONF,
      tiling: false,
    });
  });

  it('passes tiling, image size and scale', () => {
    const parsed = toPredictParams({
      modelId: 'm1',
      imgsz: '1024',
      tiling: true,
      tileSize: '512',
      overlap: '0.25',
      mmPerPx: '0.1',
    });
    expect(parsed.ok && parsed.params).toMatchObject({
      imgsz: 1024,
      tile_size: 512,
      overlap: 0.25,
      mm_per_px: 0.1,
    });
  });

  it.each([
    [{ modelId: '' }, /choose a model/i],
    [{ imgsz: '10' }, /image size/i],
    [{ tiling: true, tileSize: '64' }, /tile size/i],
    [{ tiling: true, overlap: '0.9' }, /overlap/i],
    [{ mmPerPx: '0' }, /scale/i],
  ])('refuses %o', (patch, message) => {
    const parsed = toPredictParams({ ...DEFAULT_PARAMETERS, modelId: 'm1', ...patch });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });
});
