// The Console: where an organization's owner and administrators manage customers, groups,
// applications and settings. Every page calls the same SCIM and management APIs as scripts do.

import { lazy } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { RouterProvider as DomRouterProvider } from 'react-router/dom';
import { AppFrame, type NavItem } from '../components/AppFrame.tsx';
import { RequireSignIn, SignInCallback } from '../auth/RequireSignIn.tsx';
import { config } from '../config.ts';

const UsersPage = lazy(() => import('./pages/users/UsersPage.tsx'));
const NewUserPage = lazy(() => import('./pages/users/NewUserPage.tsx'));
const ImportUsersPage = lazy(() => import('./pages/users/ImportUsersPage.tsx'));
const EditUserPage = lazy(() => import('./pages/users/EditUserPage.tsx'));
const GroupsPage = lazy(() => import('./pages/groups/GroupsPage.tsx'));
const GroupPage = lazy(() => import('./pages/groups/GroupPage.tsx'));
const ApplicationsPage = lazy(() => import('./pages/applications/ApplicationsPage.tsx'));
const ApplicationPage = lazy(() => import('./pages/applications/ApplicationPage.tsx'));
const AdministratorsPage = lazy(() => import('./pages/administrators/AdministratorsPage.tsx'));
const SettingsPage = lazy(() => import('./pages/settings/SettingsPage.tsx'));
const AuditLogPage = lazy(() => import('./pages/audit/AuditLogPage.tsx'));

const NAV: NavItem[] = [
  { to: '/users', label: 'Users' },
  { to: '/groups', label: 'Groups' },
  { to: '/applications', label: 'Applications' },
  { to: '/administrators', label: 'Administrators' },
  { to: '/settings', label: 'Settings' },
  { to: '/audit', label: 'Audit log' },
];

const router = createBrowserRouter(
  [
    { path: '/callback', element: <SignInCallback /> },
    {
      element: (
        <RequireSignIn>
          <AppFrame product="Console" nav={NAV} />
        </RequireSignIn>
      ),
      children: [
        { index: true, element: <Navigate to="/users" replace /> },
        { path: 'users', element: <UsersPage /> },
        { path: 'users/new', element: <NewUserPage /> },
        { path: 'users/import', element: <ImportUsersPage /> },
        { path: 'users/:id', element: <EditUserPage /> },
        { path: 'groups', element: <GroupsPage /> },
        { path: 'groups/:id', element: <GroupPage /> },
        { path: 'applications', element: <ApplicationsPage /> },
        { path: 'applications/:id', element: <ApplicationPage /> },
        { path: 'administrators', element: <AdministratorsPage /> },
        { path: 'settings', element: <SettingsPage /> },
        { path: 'audit', element: <AuditLogPage /> },
        { path: '*', element: <Navigate to="/users" replace /> },
      ],
    },
  ],
  { basename: config.basePath },
);

export default function ConsoleApp() {
  return <DomRouterProvider router={router} />;
}

