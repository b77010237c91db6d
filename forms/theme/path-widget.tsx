import TextField from '@mui/material/TextField';
import { ariaDescribedByIds, labelValue, type WidgetProps } from '@rjsf/utils';
import type { ChangeEvent, FocusEvent } from 'react';
import { useTypedValue } from './typed-value.js';
import { describeFileRule, examplePath, fileRuleOf, pathProblem } from './file-rule.js';

/**
 * The `path` widget: a text field for the absolute path of a file or folder on this machine
 * (`type: string` with `x-file`). It says what is accepted and flags an obviously wrong path while
 * typing; main checks the real file (existence, kind, extension, size) before any run.
 */
export default function PathWidget(props: WidgetProps) {
  const {
    id,
    htmlName,
    value,
    required,
    disabled,
    readonly,
    autofocus,
    label,
    hideLabel,
    placeholder,
    rawErrors = [],
    schema,
    options,
    onChange,
    onBlur,
    onFocus,
  } = props;
  const rule = fileRuleOf(schema) ?? { kind: 'file' };
  const typed = useTypedValue<unknown>(value, onChange);
  const text = typeof typed.value === 'string' ? typed.value : '';
  const problem = pathProblem(text, rule);
  const helperId = `${id}__path-rule`;

  return (
    <TextField
      id={id}
      name={htmlName || id}
      label={labelValue(label || undefined, hideLabel, undefined)}
      value={text}
      required={required}
      disabled={disabled || readonly}
      autoFocus={autofocus}
      placeholder={placeholder || examplePath(rule)}
      error={rawErrors.length > 0}
      helperText={problem ?? describeFileRule(rule)}
      fullWidth
      onChange={(event: ChangeEvent<HTMLInputElement>) =>
        typed.onChange(event.target.value === '' ? options.emptyValue : event.target.value)
      }
      onKeyDown={typed.onKeyDown}
      onBlur={(event: FocusEvent<HTMLInputElement>) => {
        typed.commit();
        onBlur(id, event.target.value);
      }}
      onFocus={(event: FocusEvent<HTMLInputElement>) => onFocus(id, event.target.value)}
      slotProps={{
        htmlInput: {
          spellCheck: false,
          autoComplete: 'off',
          autoCapitalize: 'off',
          'aria-describedby': `${helperId} ${ariaDescribedByIds(id)}`,
        },
        formHelperText: {
          id: helperId,
          // The rule stays neutral; RJSF lists the actual errors under the field.
          error: false,
          sx: { mx: 0, ...(problem ? { color: 'warning.dark' } : {}) },
        },
      }}
    />
  );
}
