import type { ValidationIssue } from '@/services/datasets.service';

/** Titles of the validator's rules; an unknown code is shown as it is, made readable. */
export const RULE_TITLES: Record<string, string> = {
  corrupt_image: 'Unreadable or corrupt images',
  label_without_image: 'Labels without images',
  image_without_label: 'Images without labels',
  coordinate_out_of_range: 'Coordinates outside [0, 1]',
  polygon_too_few_points: 'Polygons with fewer than 3 points',
  class_id_out_of_range: 'Class ids out of range',
  malformed_label_line: 'Malformed label lines',
  duplicate_image: 'Duplicate images',
  empty_split: 'Empty splits',
  missing_split: 'Missing splits',
  no_instances: 'No annotated cracks',
  invalid_data_yaml: 'Invalid data.yaml',
  nc_mismatch: 'Class count mismatch',
};

export function ruleTitle(code: string): string {
  const known = RULE_TITLES[code];
  if (known !== undefined) return known;
  const words = code.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export interface RuleGroup {
  code: string;
  severity: ValidationIssue['severity'];
  count: number;
  issues: ValidationIssue[];
}

/** Issues grouped by rule: errors first, then by how many files they concern. */
export function groupIssuesByRule(issues: readonly ValidationIssue[]): RuleGroup[] {
  const groups = new Map<string, RuleGroup>();
  for (const issue of issues) {
    const group = groups.get(issue.code);
    if (group === undefined) {
      groups.set(issue.code, {
        code: issue.code,
        severity: issue.severity,
        count: issue.count,
        issues: [issue],
      });
      continue;
    }
    group.issues.push(issue);
    group.count += issue.count;
    if (issue.severity === 'error') group.severity = 'error';
  }
  const rank = (group: RuleGroup) => (group.severity === 'error' ? 0 : 1);
  return [...groups.values()].sort((a, b) => rank(a) - rank(b) || b.count - a.count);
}
