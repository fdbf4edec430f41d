// Names for Mantine Pagination's arrow controls, which are otherwise icons a screen reader
// cannot name.

export function paginationControlLabels(control: 'first' | 'previous' | 'last' | 'next') {
  return { 'aria-label': `${control[0].toUpperCase()}${control.slice(1)} page` };
}
