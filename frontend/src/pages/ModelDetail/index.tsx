import { ArrowLeft, FileSearch } from 'lucide-react';
import { Link, useParams } from 'react-router-dom';

import { EmptyState } from '@/components/common/EmptyState';
import { PageHeader } from '@/components/common/PageHeader';

export default function ModelDetailPage() {
  const { id = '' } = useParams();
  return (
    <section data-testid="page-model-detail">
      <PageHeader title="Model" description={`Model ${id}`} />
      <EmptyState
        icon={FileSearch}
        title="Model details are not available yet"
        description="This page will show the model's training configuration, metrics, checkpoints and exports."
        badge="Not available yet"
      >
        <Link
          to="/models"
          className="inline-flex items-center gap-1.5 text-sm font-medium text-sky-700 hover:text-sky-600"
        >
          <ArrowLeft className="size-4" aria-hidden="true" />
          Back to models
        </Link>
      </EmptyState>
    </section>
  );
}
