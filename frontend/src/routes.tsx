import { Navigate, type RouteObject } from 'react-router-dom';

import { AuthGate } from '@/components/auth/AuthGate';
import { MainLayout } from '@/components/layout/MainLayout';
import AnnotationEditorPage from '@/pages/AnnotationEditor';
import DashboardPage from '@/pages/Dashboard';
import DatasetDetailPage from '@/pages/DatasetDetail';
import DatasetsPage from '@/pages/Datasets';
import InspectionsPage from '@/pages/Inspections';
import InspectionDetailPage from '@/pages/Inspections/InspectionDetail';
import StructureDetailPage from '@/pages/Inspections/StructureDetail';
import LoginPage from '@/pages/Login';
import ModelDetailPage from '@/pages/ModelDetail';
import ModelsPage from '@/pages/Models';
import CompareModelsPage from '@/pages/Models/Compare';
import NotFoundPage from '@/pages/NotFound';
import PredictionPage from '@/pages/Prediction';
import ReviewQueuePage from '@/pages/ReviewQueue';
import RouteErrorPage from '@/pages/RouteError';
import SettingsPage from '@/pages/Settings';
import TrainingPage from '@/pages/Training';
import ActiveTrainingPage from '@/pages/Training/Active';
import TrainingHistoryPage from '@/pages/Training/History';
import NewTrainingPage from '@/pages/Training/New';
import TrainingSessionPage from '@/pages/Training/Session';

export const routes: RouteObject[] = [
  // Outside the layout and the gate: it must load without a session.
  { path: '/login', element: <LoginPage />, errorElement: <RouteErrorPage /> },
  {
    path: '/',
    element: (
      <AuthGate>
        <MainLayout />
      </AuthGate>
    ),
    errorElement: <RouteErrorPage />,
    children: [
      { index: true, element: <DashboardPage /> },
      {
        path: 'training',
        element: <TrainingPage />,
        children: [
          { index: true, element: <Navigate to="new" replace /> },
          { path: 'new', element: <NewTrainingPage /> },
          { path: 'active', element: <ActiveTrainingPage /> },
          { path: 'active/:sessionId', element: <ActiveTrainingPage /> },
          { path: 'history', element: <TrainingHistoryPage /> },
          { path: 'sessions/:sessionId', element: <TrainingSessionPage /> },
        ],
      },
      { path: 'prediction', element: <PredictionPage /> },
      { path: 'inspections', element: <InspectionsPage /> },
      { path: 'inspections/structures/:id', element: <StructureDetailPage /> },
      { path: 'inspections/:id', element: <InspectionDetailPage /> },
      { path: 'datasets', element: <DatasetsPage /> },
      { path: 'datasets/:id', element: <DatasetDetailPage /> },
      { path: 'datasets/:id/review', element: <ReviewQueuePage /> },
      { path: 'datasets/:id/images/:imageId/edit', element: <AnnotationEditorPage /> },
      { path: 'models', element: <ModelsPage /> },
      { path: 'models/compare', element: <CompareModelsPage /> },
      { path: 'models/:id', element: <ModelDetailPage /> },
      { path: 'settings', element: <SettingsPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
