import { orderProperties, type RJSFSchema, type UiSchema } from '@rjsf/utils';
import { useCallback, useMemo, useState } from 'react';
import { formSections, sectionOf, type FormSectionsState } from '../../../forms/theme/index.js';

/** The open sections of a large form and how to open the one holding a field (see forms/theme/sections.ts). */
export interface FormSectionsControl extends FormSectionsState {
  /** `uiSchema` with the titles of groups shown as sections hidden (the section's heading says it). */
  uiSchema: UiSchema;
  /** Opens the section showing top-level field `name`, if it is closed. */
  reveal: (name: string) => void;
}

/** The sections of `schema` (the first one open), or none for a form shown whole. */
export function useFormSections(schema: RJSFSchema, uiSchema: UiSchema): FormSectionsControl {
  const sections = useMemo(() => {
    const names = Object.keys(schema.properties ?? {});
    const order = Array.isArray(uiSchema['ui:order'])
      ? orderProperties(names, uiSchema['ui:order'] as string[])
      : names;
    return formSections(schema as Record<string, unknown>, uiSchema, order);
  }, [schema, uiSchema]);
  const [open, setOpen] = useState<ReadonlySet<string>>(
    () => new Set(sections?.[0] ? [sections[0].key] : []),
  );
  const toggle = useCallback((key: string) => {
    setOpen((current) => {
      const next = new Set(current);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  }, []);
  const reveal = useCallback(
    (name: string) => {
      const key = sectionOf(sections, name)?.key;
      if (key) setOpen((current) => (current.has(key) ? current : new Set([...current, key])));
    },
    [sections],
  );
  const sectionedUi = useMemo(() => {
    let result = uiSchema;
    for (const section of sections ?? []) {
      if (section.fields.length !== 1 || section.fields[0] !== section.key) continue;
      const ui = (result[section.key] ?? {}) as UiSchema;
      const options = (ui['ui:options'] ?? {}) as Record<string, unknown>;
      result = { ...result, [section.key]: { ...ui, 'ui:options': { ...options, label: false } } };
    }
    return result;
  }, [sections, uiSchema]);
  return useMemo(
    () => ({ sections, open, toggle, reveal, uiSchema: sectionedUi }),
    [sections, open, toggle, reveal, sectionedUi],
  );
}
