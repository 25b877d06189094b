import { ChevronRight, CircleAlert, CircleCheck, RefreshCw, TriangleAlert } from 'lucide-react';

import { Button } from '@/components/common/Button';
import { Card } from '@/components/common/Card';
import type { ValidationReport } from '@/services/datasets.service';
import { cn } from '@/utils/cn';

import { Callout } from '@/components/common/Callout';
import { formatCount, formatDateTime, splitLabel } from './format';
import { ValidationBadge } from './StatusBadges';
import { groupIssuesByRule, ruleTitle, type RuleGroup } from './validationRules';

export interface ValidationReportPanelProps {
  report: ValidationReport | null;
  canValidate: boolean;
  validating: boolean;
  validateError: string | null;
  onValidate: () => void;
}

export function ValidationReportPanel({
  report,
  canValidate,
  validating,
  validateError,
  onValidate,
}: ValidationReportPanelProps) {
  const groups = report === null ? [] : groupIssuesByRule(report.issues);
  return (
    <Card
      title="Validation report"
      description={
        report === null
          ? 'Not validated yet.'
          : `Checked ${formatDateTime(report.checked_at)} in ${report.duration_s.toFixed(2)} s.`
      }
      actions={
        <Button
          variant="secondary"
          size="sm"
          disabled={!canValidate || validating}
          onClick={onValidate}
        >
          <RefreshCw className={cn('size-3.5', validating && 'animate-spin')} aria-hidden="true" />
          {validating ? 'Validating…' : 'Re-validate'}
        </Button>
      }
      data-testid="validation-report"
    >
      {validateError !== null && (
        <Callout tone="error" title="Validation failed" className="mb-4">
          {validateError}
        </Callout>
      )}
      {report !== null && (
        <>
          <div className="flex flex-wrap items-center gap-x-6 gap-y-2 text-sm">
            <ValidationBadge status={report.status} />
            <span className="text-slate-600">
              <span className="font-semibold text-slate-900 tabular-nums">
                {report.error_count}
              </span>{' '}
              error{report.error_count === 1 ? '' : 's'}
            </span>
            <span className="text-slate-600">
              <span className="font-semibold text-slate-900 tabular-nums">
                {report.warning_count}
              </span>{' '}
              warning{report.warning_count === 1 ? '' : 's'}
            </span>
          </div>
          {groups.length === 0 ? (
            <p className="mt-4 flex items-center gap-2 rounded-lg bg-emerald-50 px-3 py-2.5 text-sm text-emerald-800">
              <CircleCheck className="size-4 text-emerald-600" aria-hidden="true" />
              Every image and label passed all checks.
            </p>
          ) : (
            <ul
              className="mt-4 divide-y divide-slate-100 rounded-lg border border-slate-200"
              aria-label="Issues by rule"
            >
              {groups.map((group) => (
                <RuleGroupItem key={group.code} group={group} />
              ))}
            </ul>
          )}
        </>
      )}
    </Card>
  );
}

function RuleGroupItem({ group }: { group: RuleGroup }) {
  const isError = group.severity === 'error';
  const Icon = isError ? CircleAlert : TriangleAlert;
  return (
    <li data-testid="validation-rule" data-rule={group.code}>
      <details className="group" open={isError}>
        <summary className="flex cursor-pointer list-none items-center gap-3 px-4 py-3 hover:bg-slate-50 [&::-webkit-details-marker]:hidden">
          <ChevronRight
            className="size-4 shrink-0 text-slate-400 transition-transform group-open:rotate-90"
            aria-hidden="true"
          />
          <Icon
            className={cn('size-4 shrink-0', isError ? 'text-red-500' : 'text-amber-500')}
            aria-hidden="true"
          />
          <span className="flex-1 text-sm font-medium text-slate-900">{ruleTitle(group.code)}</span>
          <span className="font-mono text-xs text-slate-400">{group.code}</span>
          <span
            className={cn(
              'rounded-full px-2 py-0.5 text-xs font-medium tabular-nums',
              isError ? 'bg-red-50 text-red-700' : 'bg-amber-50 text-amber-700',
            )}
          >
            {formatCount(group.count)} {isError ? 'error' : 'warning'}
            {group.count === 1 ? '' : 's'}
          </span>
        </summary>
        <ul className="space-y-3 px-4 pt-1 pb-4 pl-11">
          {group.issues.map((issue, index) => (
            <li key={`${issue.split ?? 'all'}-${index}`} className="text-sm">
              <p className="text-slate-700">
                {issue.split !== null && issue.split !== undefined && (
                  <span className="mr-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-600">
                    {splitLabel(issue.split)}
                  </span>
                )}
                {issue.message}
              </p>
              {issue.examples.length > 0 && (
                <div className="mt-1.5">
                  <p className="text-xs text-slate-500">
                    Examples
                    {issue.count > issue.examples.length
                      ? ` (${issue.examples.length} of ${formatCount(issue.count)})`
                      : ''}
                    :
                  </p>
                  <ul className="mt-1 space-y-0.5 rounded-md bg-slate-50 px-2.5 py-1.5 font-mono text-xs text-slate-700">
                    {issue.examples.map((example) => (
                      <li key={example} className="break-all">
                        {example}
                      </li>
                    ))}
                  </ul>
                </div>
              )}
            </li>
          ))}
        </ul>
      </details>
    </li>
  );
}
