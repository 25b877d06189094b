/** Mask colours per class id (class 0, usually "crack", is red). */
export const CLASS_COLORS = ['#ef4444', '#f59e0b', '#10b981', '#3b82f6', '#a855f7', '#ec4899'];

export function classColor(classId: number): string {
  return CLASS_COLORS[classId % CLASS_COLORS.length] ?? '#ef4444';
}
