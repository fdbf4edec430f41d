// One bundle, two apps: the Console for an organization's owner and administrators, and My Account
// for its customers. The server tells which one this page is (config.app).

import { StrictMode, lazy, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { MantineProvider, Modal, Notification, createTheme, darken, type CSSVariablesResolver } from '@mantine/core';
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
// Shade 8 of the filled colours keeps white text on buttons above WCAG AA's 4.5:1 (shade 6 is 4.3).
// Every dialog's and notification's × button gets a name for screen readers (Mantine leaves it unnamed).
const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: 8,
  defaultRadius: 'md',
  respectReducedMotion: true,
  components: {
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss' } } }),
  },
});

// Mantine's light scheme draws dimmed text (gray 6, 3.3:1 on white), errors, and light or outline badges
// (yellow 9 on yellow 1 is 2.7:1) below AA: darker greys and text colours, checked by axe in test/ui.
const cssVariablesResolver: CSSVariablesResolver = (current) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    // A field's error (red 6 is 3.3:1).
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    ...Object.fromEntries(
      Object.entries(current.colors).flatMap(([name, shades]) => [
        [`--mantine-color-${name}-light-color`, darken(shades[9], 0.35)],
        [`--mantine-color-${name}-outline`, darken(shades[9], 0.35)],
      ]),
    ),
  },
  dark: {},
});

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
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <Suspense fallback={<LoadingState />}>{config.app === 'console' ? <ConsoleApp /> : <MyAccountApp />}</Suspense>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
