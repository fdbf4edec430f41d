// Keeps the app behind sign-in: the callback route completes a sign-in, every other route
// sends a signed-out visitor to the hosted sign-in page and back to where they were going.

import { useEffect, useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { Button, Center, Stack } from '@mantine/core';
import { completeSignIn, isSignedIn, signIn } from './oidc.ts';
import { ErrorState, LoadingState } from '../components/states.tsx';
import { config } from '../config.ts';

export function RequireSignIn({ children }: { children: ReactNode }) {
  const signedIn = isSignedIn();
  useEffect(() => {
    if (!signedIn) void signIn();
  }, [signedIn]);
  return signedIn ? children : <LoadingState label="Taking you to sign in…" />;
}

// The code is single-use: remember the exchange so that a second render does not repeat it.
let exchange: Promise<string> | undefined;

export function SignInCallback() {
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    exchange ??= completeSignIn(location.search);
    exchange.then(
      (returnTo) => {
        const inApp = returnTo.startsWith(config.basePath) ? returnTo.slice(config.basePath.length) || '/' : '/';
        void navigate(inApp.includes('/callback') ? '/' : inApp, { replace: true });
      },
      (reason: unknown) => setError(reason),
    );
  }, [navigate]);
  if (!error) return <LoadingState label="Signing you in…" />;
  return (
    <Center py="xl">
      <Stack maw={480}>
        <ErrorState error={error} title="Sign-in did not complete" />
        <Button onClick={() => void signIn(config.basePath + '/')}>Sign in again</Button>
      </Stack>
    </Center>
  );
}
