import ExpandMoreRounded from '@mui/icons-material/ExpandMoreRounded';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { Templates as MuiTemplates } from '@rjsf/mui';
import type { ErrorSchema, ObjectFieldTemplateProps } from '@rjsf/utils';
import { createContext, useContext, type ReactNode } from 'react';
import type { FormSection } from './sections.js';

/** The sections of the form being shown and which are open (given by the page around the form). */
export interface FormSectionsState {
  sections: readonly FormSection[] | undefined;
  open: ReadonlySet<string>;
  toggle: (key: string) => void;
}

/** Provided around the form by its page; without it the form is shown whole. */
export const FormSectionsContext = createContext<FormSectionsState>({
  sections: undefined,
  open: new Set(),
  toggle: () => {},
});

const MuiObjectFieldTemplate = MuiTemplates.ObjectFieldTemplate!;

/** How many problems an error schema holds (every `__errors` entry below it). */
function problemCount(errors: unknown): number {
  if (typeof errors !== 'object' || errors === null) return 0;
  let count = 0;
  for (const [key, value] of Object.entries(errors)) {
    count += key === '__errors' && Array.isArray(value) ? value.length : problemCount(value);
  }
  return count;
}

function Section({
  section,
  open,
  onToggle,
  problems,
  children,
}: {
  section: FormSection;
  open: boolean;
  onToggle: () => void;
  problems: number;
  children: ReactNode;
}) {
  const base = `form-section-${section.key}`;
  return (
    <Box
      component="section"
      aria-labelledby={`${base}-heading`}
      sx={{
        borderTop: 1,
        borderColor: 'divider',
        '&:last-of-type': { borderBottom: 1, borderColor: 'divider' },
      }}
      data-testid={base}
    >
      <Typography component="h3" variant="subtitle1" id={`${base}-heading`} sx={{ m: 0 }}>
        <Button
          id={`${base}-toggle`}
          aria-expanded={open}
          aria-controls={`${base}-body`}
          onClick={onToggle}
          fullWidth
          color="inherit"
          sx={{
            justifyContent: 'space-between',
            textTransform: 'none',
            py: 1.25,
            px: 1,
            fontSize: 'inherit',
            fontWeight: 600,
          }}
          endIcon={
            <ExpandMoreRounded
              aria-hidden
              sx={{ transform: open ? 'rotate(180deg)' : 'none', transition: 'transform 120ms' }}
            />
          }
        >
          <span>
            {section.title}
            {problems > 0 ? (
              <Typography
                component="span"
                variant="body2"
                color="error"
                sx={{ ml: 1.5, fontWeight: 500 }}
              >
                {problems === 1 ? '1 problem' : `${problems} problems`}
              </Typography>
            ) : null}
          </span>
        </Button>
      </Typography>
      <Box id={`${base}-body`} hidden={!open} sx={{ px: 1, pb: open ? 2 : 0 }}>
        {/* Closed sections mount nothing: a long form costs what is open. */}
        {open ? children : null}
      </Box>
    </Box>
  );
}

/**
 * The object layout of the ScriptDesk theme. At the root of a form with sections (see
 * `sections.ts`) the fields outside any section come first, then each section as a heading with
 * a button that opens or closes it; a closed section's fields are not mounted. Everywhere else,
 * Material UI's own layout.
 */
export default function ObjectFieldTemplate(props: ObjectFieldTemplateProps) {
  const { sections, open, toggle } = useContext(FormSectionsContext);
  if (!sections || props.fieldPathId.path.length > 0) return <MuiObjectFieldTemplate {...props} />;
  const inSection = new Set(sections.flatMap((section) => section.fields));
  const byName = new Map(props.properties.map((property) => [property.name, property]));
  const loose = props.properties.filter((property) => !inSection.has(property.name));
  const errors = (props.errorSchema ?? {}) as ErrorSchema & Record<string, unknown>;
  return (
    <>
      <MuiObjectFieldTemplate {...props} properties={loose} />
      <Box sx={{ mt: 2 }}>
        {sections.map((section) => (
          <Section
            key={section.key}
            section={section}
            open={open.has(section.key)}
            onToggle={() => toggle(section.key)}
            problems={section.fields.reduce((sum, name) => sum + problemCount(errors[name]), 0)}
          >
            {section.fields.map((name) => {
              const property = byName.get(name);
              if (!property) return null;
              return property.hidden ? (
                property.content
              ) : (
                <Box key={name} sx={{ mb: 1.25 }}>
                  {property.content}
                </Box>
              );
            })}
          </Section>
        ))}
      </Box>
    </>
  );
}
