import type { ThemeProps } from '@rjsf/core';
import type { RegistryWidgetsType } from '@rjsf/utils';
import { Theme as MuiTheme } from '@rjsf/mui';
import ArrayItemField from './array-item-field.js';
import BaseInputTemplate from './base-input-template.js';
import DescriptionTemplate from './description-template.js';
import FieldTemplate from './field-template.js';
import HelpTemplate from './help-template.js';
import PathWidget from './path-widget.js';
import ObjectFieldTemplate from './sections-template.js';
import SensitiveWidget from './sensitive-widget.js';
import TimeWidget from './time-widget.js';
import type { ScriptDeskWidgetName } from './ui-schema.js';

export { withScriptDeskUi, type ScriptDeskWidgetName } from './ui-schema.js';
export { asSentence, liveFieldErrors } from './error-messages.js';
export { precompiledFormValidator } from './validator.js';
export { formatByteSize } from './byte-size.js';
export { formSections, sectionOf, type FormSection } from './sections.js';
export { FormSectionsContext, type FormSectionsState } from './sections-template.js';
export { FilePickerContext, type FilePicker, type FilePickRequest } from './file-picker.js';

/** The ScriptDesk widgets by the `ui:widget` name {@link withScriptDeskUi} assigns. */
export const scriptDeskWidgets: Record<ScriptDeskWidgetName, RegistryWidgetsType[string]> = {
  path: PathWidget,
  sensitive: SensitiveWidget,
};

/** The RJSF Material UI theme with the ScriptDesk widgets and field layout; pass it to `withTheme`. */
export const scriptDeskTheme: ThemeProps = {
  ...MuiTheme,
  fields: { ...MuiTheme.fields, ArraySchemaField: ArrayItemField },
  // RJSF's own time widget gives a time without its zone, which a `time` format refuses.
  widgets: { ...MuiTheme.widgets, TimeWidget, ...scriptDeskWidgets },
  templates: {
    ...MuiTheme.templates,
    BaseInputTemplate,
    FieldTemplate,
    ObjectFieldTemplate,
    DescriptionFieldTemplate: DescriptionTemplate,
    FieldHelpTemplate: HelpTemplate,
  },
};
