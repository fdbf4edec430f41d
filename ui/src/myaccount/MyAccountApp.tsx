// My Account: where a customer sees and edits their profile, changes their password, ends
// sessions, and sees the applications they may use and the groups they belong to.

import { lazy } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { AppFrame, type NavItem } from '../components/AppFrame.tsx';
import { RequireSignIn, SignInCallback } from '../auth/RequireSignIn.tsx';
import { config } from '../config.ts';

const ProfilePage = lazy(() => import('./pages/ProfilePage.tsx'));
const SecurityPage = lazy(() => import('./pages/SecurityPage.tsx'));
const MyApplicationsPage = lazy(() => import('./pages/MyApplicationsPage.tsx'));

const NAV: NavItem[] = [
  { to: '/profile', label: 'Profile' },
  { to: '/security', label: 'Security' },
  { to: '/applications', label: 'Applications' },
];

const router = createBrowserRouter(
  [
    { path: '/callback', element: <SignInCallback /> },
    {
      element: (
        <RequireSignIn>
          <AppFrame product="My Account" nav={NAV} />
        </RequireSignIn>
      ),
      children: [
        { index: true, element: <Navigate to="/profile" replace /> },
        { path: 'profile', element: <ProfilePage /> },
        { path: 'security', element: <SecurityPage /> },
        { path: 'applications', element: <MyApplicationsPage /> },
        { path: '*', element: <Navigate to="/profile" replace /> },
      ],
    },
  ],
  { basename: config.basePath },
);

export default function MyAccountApp() {
  return <RouterProvider router={router} />;
}
