import Box from '@mui/material/Box';
import type { ComponentProps, ReactNode } from 'react';
import Markdown, { type Components, type UrlTransform } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { monospaceFont } from '../../theme.js';

/** Link targets a preview keeps: web and mail links and anchors. Anything else is dropped. */
const SAFE_LINK = /^(https?:|mailto:|#)/i;

/**
 * Keeps a link's address only when it is a web or mail link (no `javascript:`, `file:` or
 * `data:`), and drops every image address: nothing a report names is fetched to show it.
 */
export const previewUrl: UrlTransform = (url, key) =>
  key === 'href' && SAFE_LINK.test(url.trim()) ? url : '';

/** Markdown headings one level below the dialog's title (an `h2`): # is h3, ## is h4... */
const shifted = (level: 3 | 4 | 5 | 6) =>
  function Heading({ children }: { children?: ReactNode }) {
    const Tag = `h${level}` as const;
    return <Tag>{children}</Tag>;
  };

const components: Components = {
  h1: shifted(3),
  h2: shifted(4),
  h3: shifted(5),
  h4: shifted(6),
  h5: shifted(6),
  h6: shifted(6),
  // An image is named, never loaded: a remote one would tell its server who opened the report.
  img: ({ alt }) => (
    <Box
      component="span"
      data-testid="markdown-image-placeholder"
      sx={{ color: 'text.secondary', fontStyle: 'italic' }}
    >
      [image{alt ? `: ${alt}` : ''} — not shown in the preview]
    </Box>
  ),
  // Opened only when clicked, in the browser (the desktop app allows none it does not trust).
  a: ({ href, children }: ComponentProps<'a'>) =>
    href ? (
      <a href={href} target="_blank" rel="noopener noreferrer" title={href}>
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
};

/**
 * A Markdown output rendered as a document: headings, lists, tables (GitHub style), code. Raw
 * HTML in the file is left out altogether (`skipHtml`: no `<script>`, no `<img onerror>`, no
 * styles), images are named but not loaded, and links keep only web and mail addresses.
 */
export function MarkdownPreview({ text, label }: { text: string; label: string }) {
  return (
    <Box
      tabIndex={0}
      aria-label={label}
      data-testid="output-preview"
      data-kind="markdown"
      sx={{
        px: 2,
        py: 1,
        maxHeight: '60vh',
        overflow: 'auto',
        border: 1,
        borderColor: 'divider',
        borderRadius: 1,
        fontSize: 14,
        lineHeight: 1.6,
        '& h3': { fontSize: 22, fontWeight: 600, m: '12px 0 8px' },
        '& h4': { fontSize: 18, fontWeight: 600, m: '16px 0 8px' },
        '& h5, & h6': { fontSize: 15, fontWeight: 600, m: '14px 0 6px' },
        '& table': { borderCollapse: 'collapse', my: 1 },
        '& th, & td': { border: 1, borderColor: 'divider', px: 1, py: 0.5, textAlign: 'left' },
        '& th': { bgcolor: 'background.default', fontWeight: 600 },
        '& code': { fontFamily: monospaceFont, fontSize: 12.5 },
        '& pre': { bgcolor: 'background.default', p: 1.5, overflow: 'auto', borderRadius: 1 },
        '& blockquote': { borderLeft: 3, borderColor: 'divider', m: 0, pl: 2 },
      }}
    >
      <Markdown
        remarkPlugins={[remarkGfm]}
        skipHtml
        urlTransform={previewUrl}
        components={components}
      >
        {text}
      </Markdown>
    </Box>
  );
}
