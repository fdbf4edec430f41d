// The groups the customer belongs to, read-only: administrators manage them, and they decide
// which applications the customer may use.

import { Badge, Card, Group, Text, Title } from '@mantine/core';
import type { ScimUser } from '../../api/scim.ts';

export function GroupsCard({ user }: { user: ScimUser }) {
  const groups = [...(user.groups ?? [])].sort((a, b) => (a.display ?? a.value).localeCompare(b.display ?? b.value));
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="my-groups">
      <Title order={2} size="h4" id="my-groups" mb={4}>
        Groups
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Your administrator manages your groups. They decide which applications you may use.
      </Text>
      {groups.length === 0 ? (
        <Text size="sm">You are not in any groups.</Text>
      ) : (
        <Group gap="xs" component="ul" aria-label="Your groups" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {groups.map((group) => (
            <Badge key={group.value} component="li" variant="light" size="lg" radius="sm" tt="none">
              {group.display ?? group.value}
            </Badge>
          ))}
        </Group>
      )}
    </Card>
  );
}
