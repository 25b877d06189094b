import { severityColour, severityLabel } from './severity';

export function SeverityBadge({ severity }: { severity: string | null | undefined }) {
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-slate-700">
      <span
        aria-hidden
        className="inline-block h-2.5 w-2.5 rounded-full"
        style={{ backgroundColor: severityColour(severity) }}
      />
      {severityLabel(severity)}
    </span>
  );
}
