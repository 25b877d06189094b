import type { VersionChanges } from '@/services/datasetVersions.service';

/** "+3 −1 ~2 images, 1 moved · +5 −2 instances" (what changed since the previous version). */
export function changeSummary(changes: VersionChanges): string {
  const images = [
    `+${changes.images_added}`,
    `−${changes.images_removed}`,
    `~${changes.images_changed}`,
  ].join(' ');
  const moved = changes.images_moved > 0 ? `, ${changes.images_moved} moved` : '';
  return `${images} images${moved} · +${changes.instances_added} −${changes.instances_removed} instances`;
}
