import Visibility from '@mui/icons-material/Visibility';
import VisibilityOff from '@mui/icons-material/VisibilityOff';
import IconButton from '@mui/material/IconButton';
import InputAdornment from '@mui/material/InputAdornment';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import { ariaDescribedByIds, labelValue, type WidgetProps } from '@rjsf/utils';
import { useState, type ChangeEvent, type FocusEvent } from 'react';
import { useTypedValue } from './typed-value.js';

/**
 * The `sensitive` widget for `x-sensitive: true` strings, numbers and integers (a PIN): masked
 * like a password, with a toggle to check what was typed. The browser is told not to remember
 * or spell-check the value. On a number field RJSF's number field turns what is typed into a
 * number (and leaves text that is not one for validation to refuse).
 */
export default function SensitiveWidget(props: WidgetProps) {
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
  const typed = useTypedValue<unknown>(value, onChange);
  const [shown, setShown] = useState(false);
  const toggleLabel = shown ? 'Hide value' : 'Show value';
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;

  return (
    <TextField
      id={id}
      name={htmlName || id}
      type={shown ? 'text' : 'password'}
      label={labelValue(label || undefined, hideLabel, undefined)}
      value={
        typeof typed.value === 'string' || typeof typed.value === 'number'
          ? String(typed.value)
          : ''
      }
      required={required}
      disabled={disabled || readonly}
      autoFocus={autofocus}
      placeholder={placeholder}
      error={rawErrors.length > 0}
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
          autoComplete: 'new-password',
          spellCheck: false,
          // A phone shows digits for a PIN; the value stays masked either way.
          ...(type === 'integer' ? { inputMode: 'numeric' } : {}),
          ...(type === 'number' ? { inputMode: 'decimal' } : {}),
          autoCapitalize: 'off',
          'aria-describedby': ariaDescribedByIds(id),
        },
        input: {
          endAdornment: (
            <InputAdornment position="end">
              <Tooltip title={toggleLabel}>
                <span>
                  <IconButton
                    aria-label={toggleLabel}
                    aria-pressed={shown}
                    aria-controls={id}
                    edge="end"
                    size="small"
                    disabled={disabled || readonly}
                    onClick={() => setShown((current) => !current)}
                  >
                    {shown ? <VisibilityOff fontSize="small" /> : <Visibility fontSize="small" />}
                  </IconButton>
                </span>
              </Tooltip>
            </InputAdornment>
          ),
        },
      }}
    />
  );
}
