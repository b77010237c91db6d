/** Height of one log row in pixels: every row has it, which is what lets the view skip rows. */
export const ROW_PX = 20;

/**
 * Tallest scroll area the view makes. Browsers cap an element's height (Chromium near 33.5
 * million pixels, Firefox near 17.9 million): a longer log is scrolled through proportionally.
 */
export const MAX_SCROLL_PX = 15_000_000;

/** Rows drawn above and below the visible ones, so a short scroll shows no blank rows. */
const OVERSCAN = 10;

/** The part of a long log the view draws, and where. */
export interface LogWindow {
  /** Height of the scroll area. */
  scrollHeight: number;
  /** First and last row drawn (0-based, inclusive; last < first when there are none). */
  first: number;
  last: number;
  /** Where in the scroll area the first drawn row goes. */
  top: number;
}

/** The rows to draw for a view scrolled to `scrollTop` that is `height` pixels tall. */
export function logWindow(scrollTop: number, height: number, rows: number): LogWindow {
  const content = rows * ROW_PX;
  const scrollHeight = Math.min(content, MAX_SCROLL_PX);
  const range = Math.max(0, scrollHeight - height);
  const top = Math.max(0, Math.min(scrollTop, range));
  // Where the view is in the whole log's pixels: the same as scrollTop until the log is too tall.
  const at = scrollHeight === content || range === 0 ? top : (top / range) * (content - height);
  const visible = Math.floor(at / ROW_PX);
  const first = Math.max(0, visible - OVERSCAN);
  const last = Math.min(rows - 1, Math.ceil((at + height) / ROW_PX) + OVERSCAN);
  return { scrollHeight, first, last, top: top - (at - first * ROW_PX) };
}

/** The scroll position that shows `row` in the middle of a view `height` pixels tall. */
export function scrollTopFor(row: number, height: number, rows: number): number {
  const content = rows * ROW_PX;
  const scrollHeight = Math.min(content, MAX_SCROLL_PX);
  const range = Math.max(0, scrollHeight - height);
  const at = Math.max(0, Math.min(row * ROW_PX - height / 2 + ROW_PX / 2, content - height));
  if (scrollHeight === content || content <= height) return Math.min(at, range);
  return (at / (content - height)) * range;
}

/** The rows wholly inside the view (what "Copy lines on screen" copies). */
export function visibleRows(scrollTop: number, height: number, rows: number): [number, number] {
  const { first, top } = logWindow(scrollTop, height, rows);
  const offset = scrollTop - top; // pixels of the drawn block above the view
  const from = first + Math.ceil(offset / ROW_PX - 0.001);
  const to = Math.min(rows - 1, first + Math.floor((offset + height) / ROW_PX) - 1);
  return [Math.max(0, from), to];
}
