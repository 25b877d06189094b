import { architectureLabel, familyLabel } from './format';

describe('model series labels', () => {
  it("uses the catalogue's label of a series, else a known one, else the name as is", () => {
    const catalogue = { 'toy-seg': 'Toy Seg', yolov8: 'YOLOv8 (catalogue)' };
    expect(architectureLabel({ family: 'toy-seg', scale: 'n' }, catalogue)).toBe('Toy Seg · nano');
    expect(familyLabel('yolov8', catalogue)).toBe('YOLOv8 (catalogue)');
    expect(familyLabel('yolov5')).toBe('YOLOv5');
    expect(familyLabel('toy-seg')).toBe('toy-seg');
    expect(architectureLabel({ family: null, scale: null })).toBe('Unknown family');
  });
});
