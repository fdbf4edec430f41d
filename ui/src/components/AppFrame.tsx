// The frame both apps share: a header with the organization and the signed-in person, a
// navigation bar that folds into a menu on narrow screens, and the page.

import type { ReactNode } from 'react';
import { NavLink as RouterNavLink, Outlet } from 'react-router';
import { AppShell, Burger, Group, Menu, NavLink, Text, UnstyledButton, Avatar } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { signOut, signedInUser } from '../auth/oidc.ts';
import { me } from '../api/scim.ts';
import { config } from '../config.ts';

export interface NavItem {
  to: string;
  label: string;
}

export function AppFrame({ product, nav, footer }: { product: string; nav: NavItem[]; footer?: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure();
  // Below the 'sm' breakpoint (48em) the folded navigation is only moved out of sight: inert, its
  // links leave the tab order and the accessibility tree until the burger opens it.
  const wide = useMediaQuery('(min-width: 48em)', undefined, { getInitialValueInEffect: false });
  const folded = !wide && !opened;
  const user = signedInUser();
  // The ID token's name is fixed at sign-in; /Me follows a profile edit (My Account's profile
  // form refreshes every ['me', …] query), so the header shows its answer once it has one.
  const profile = useQuery({ queryKey: ['me', 'header'], queryFn: me.get, staleTime: Infinity, retry: false });
  const who = profile.data?.displayName || user?.name || profile.data?.userName || user?.email || 'Signed in';
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={opened ? 'Close navigation' : 'Open navigation'} />
            <Text fw={700} truncate>
              {config.orgName}
            </Text>
            <Text c="dimmed" size="sm" visibleFrom="xs">
              {product}
            </Text>
          </Group>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <UnstyledButton aria-label={`Account menu for ${who}`}>
                <Group gap="xs" wrap="nowrap">
                  {/* A picture, not an initial: a letter would be visible text missing from the button's name. */}
                  <Avatar size="sm" radius="xl" color="indigo" aria-hidden />
                  <Text size="sm" visibleFrom="sm" truncate maw={200}>
                    {who}
                  </Text>
                </Group>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              {user?.email && <Menu.Label>{user.email}</Menu.Label>}
              <Menu.Item onClick={signOut}>Sign out</Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label={`${product} navigation`} inert={folded}>
        {nav.map((item) => (
          <RouterNavLink key={item.to} to={item.to} onClick={close} style={{ textDecoration: 'none' }}>
            {({ isActive }) => <NavLink component="span" label={item.label} active={isActive} />}
          </RouterNavLink>
        ))}
        {footer}
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
