// One bundle, two apps: the Console for an organization's owner and administrators, and My Account
// for its customers. The server tells which one this page is (config.app).

import { StrictMode, lazy, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { MantineProvider, createTheme } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { config } from './config.ts';
import { ApiError } from './api/http.ts';
import { LoadingState } from './components/states.tsx';

const ConsoleApp = lazy(() => import('./console/ConsoleApp.tsx'));
const MyAccountApp = lazy(() => import('./myaccount/MyAccountApp.tsx'));

// People who ask their system for reduced motion get dialogs and menus without animation.
const theme = createTheme({ primaryColor: 'indigo', defaultRadius: 'md', respectReducedMotion: true });

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // A 4xx will not mend itself by asking again.
      retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
      refetchOnWindowFocus: false,
    },
  },
});

document.title = `${config.app === 'console' ? 'Console' : 'My Account'} · ${config.orgName}`;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme}>
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <Suspense fallback={<LoadingState />}>{config.app === 'console' ? <ConsoleApp /> : <MyAccountApp />}</Suspense>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
