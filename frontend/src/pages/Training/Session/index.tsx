import { ArrowLeft } from 'lucide-react';
import { Link, useParams } from 'react-router-dom';

import { SessionMonitor } from '@/components/training/SessionMonitor';

/** One run from the history (any state), with the same live view as the Active tab. */
export default function TrainingSessionPage() {
  const { sessionId = '' } = useParams();
  return (
    <div data-testid="page-training-session">
      <h2 className="sr-only">Training run</h2>
      <Link
        to="/training/history"
        className="mb-4 inline-flex items-center gap-1 text-sm font-medium text-slate-500 hover:text-slate-800"
      >
        <ArrowLeft className="size-4" aria-hidden="true" />
        History
      </Link>
      <SessionMonitor key={sessionId} sessionId={sessionId} />
    </div>
  );
}
