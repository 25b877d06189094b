import { useMutation } from '@tanstack/react-query';

import { Button } from '@/components/common/Button';
import { Callout } from '@/components/common/Callout';
import { ProgressBar } from '@/components/common/ProgressBar';
import { errorMessage } from '@/services/errors';
import {
  csvUrl,
  geojsonUrl,
  isPending,
  requestReport,
  type InspectionDetail,
} from '@/services/inspections.service';

function size(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${Math.ceil(bytes / 1024)} kB`;
}

/** Build a PDF + HTML report in a job and download it; the cracks as GeoJSON or CSV. */
export function ReportsPanel({
  inspection,
  onStarted,
}: {
  inspection: InspectionDetail;
  onStarted: () => void;
}) {
  const build = useMutation({
    mutationFn: () => requestReport(inspection.id),
    onSuccess: onStarted,
  });
  const linkClass = 'text-sm font-medium text-sky-700 hover:underline';
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <Button
          disabled={build.isPending}
          onClick={() => {
            build.mutate();
          }}
        >
          Build report
        </Button>
        <a
          className={linkClass}
          href={geojsonUrl(inspection.id)}
          download={`cracks-${inspection.inspected_on}.geojson`}
        >
          Cracks as GeoJSON
        </a>
        <a className={linkClass} href={csvUrl(inspection.id)} download>
          Cracks as CSV
        </a>
      </div>
      {build.isError && <Callout tone="error">{errorMessage(build.error)}</Callout>}
      <ul className="space-y-2">
        {inspection.reports.map((report) => (
          <li
            key={report.id}
            className="flex flex-wrap items-center gap-3 text-sm"
            data-testid={`report-${report.id}`}
          >
            <span className="text-slate-600">
              {report.created_at.slice(0, 16).replace('T', ' ')}
            </span>
            {isPending(report.status) && (
              <ProgressBar
                className="w-48"
                value={report.progress * 100}
                label={report.message ?? 'Building the report'}
              />
            )}
            {report.status === 'completed' && report.pdf_url && (
              <a className={linkClass} href={report.pdf_url} download>
                Download PDF ({size(report.size_bytes)})
              </a>
            )}
            {report.status === 'completed' && report.html_url && (
              <a className={linkClass} href={report.html_url} target="_blank" rel="noreferrer">
                Open HTML
              </a>
            )}
            {report.status === 'failed' && (
              <span className="text-red-700">Failed: {report.error ?? 'no reason given'}</span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
