import FolderOpenOutlined from '@mui/icons-material/FolderOpenOutlined';
import Button from '@mui/material/Button';
import InputAdornment from '@mui/material/InputAdornment';
import TextField from '@mui/material/TextField';
import { ariaDescribedByIds, labelValue, type WidgetProps } from '@rjsf/utils';
import { useContext, useState, type ChangeEvent, type DragEvent, type FocusEvent } from 'react';
import { FilePickerContext } from './file-picker.js';
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
  const [dropNote, setDropNote] = useState<string | undefined>(undefined);
  const problem = dropNote ?? pathProblem(text, rule);
  const helperId = `${id}__path-rule`;
  const picker = useContext(FilePickerContext);
  const shownLabel = label || id;

  /** Puts a chosen or dropped path in the field and hands it to the form at once. */
  const take = (path: string) => {
    setDropNote(undefined);
    typed.onChange(path);
    typed.commit();
    onBlur(id, path);
  };
  const browse = async () => {
    // Recent folders are kept per top-level field; a file field deeper in the form offers none.
    const field = id === `root_${props.name}` ? props.name : '';
    const chosen = await picker?.choose({ field, label: shownLabel, rule, current: text });
    if (chosen !== undefined) take(chosen);
  };
  const onDrop = (event: DragEvent) => {
    const file = event.dataTransfer.files[0];
    if (!file || !picker) return;
    event.preventDefault();
    const path = picker.pathOfDropped(file);
    if (path) take(path);
    else
      setDropNote(
        `This window cannot see where “${file.name}” is on disk; use Browse… to choose it.`,
      );
  };

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
      onDragOver={(event: DragEvent) => {
        if (picker && event.dataTransfer.types.includes('Files')) event.preventDefault();
      }}
      onDrop={onDrop}
      slotProps={{
        input: picker
          ? {
              endAdornment: (
                <InputAdornment position="end">
                  <Button
                    startIcon={<FolderOpenOutlined />}
                    onClick={() => void browse()}
                    disabled={disabled || readonly}
                    aria-label={`Browse for ${shownLabel}`}
                    data-testid={`browse-${id}`}
                  >
                    Browse…
                  </Button>
                </InputAdornment>
              ),
            }
          : undefined,
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
