/**
 * `sx` that hides an element from sight but keeps it for screen readers, e.g. the `h1` of a page
 * whose layout already tells sighted people where they are.
 */
export const visuallyHidden = {
  position: 'absolute',
  width: '1px',
  height: '1px',
  padding: 0,
  margin: '-1px',
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
  border: 0,
} as const;
