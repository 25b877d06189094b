import { Compass } from 'lucide-react';
import { Link, useLocation } from 'react-router-dom';

import { EmptyState } from '@/components/common/EmptyState';
import { PageHeader } from '@/components/common/PageHeader';

export default function NotFoundPage() {
  const { pathname } = useLocation();
  return (
    <section data-testid="page-not-found">
      <PageHeader title="Page not found" />
      <EmptyState
        icon={Compass}
        title="There is no page here"
        description={`Nothing lives at ${pathname}. Check the address or use the navigation.`}
      >
        <Link to="/" className="text-sm font-medium text-sky-700 hover:text-sky-600">
          Go to the dashboard
        </Link>
      </EmptyState>
    </section>
  );
}
