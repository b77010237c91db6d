import FormControlLabel from '@mui/material/FormControlLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Typography from '@mui/material/Typography';
import { useId } from 'react';

/** One choice of a setting: its value, its name and one line saying what it does. */
export interface Choice<T extends string> {
  value: T;
  label: string;
  hint: string;
}

/**
 * A setting with a few named choices, as radio buttons each described by its hint (read out with
 * it); the arrow keys move between them.
 */
export function ChoiceGroup<T extends string>({
  label,
  name,
  choices,
  value,
  onChange,
  testId,
}: {
  label: string;
  name: string;
  choices: readonly Choice<T>[];
  value: T;
  onChange: (value: T) => void;
  testId: string;
}) {
  const labelId = useId();
  return (
    <>
      <Typography id={labelId} variant="subtitle2" component="p" sx={{ mb: 0.5 }}>
        {label}
      </Typography>
      <RadioGroup
        aria-labelledby={labelId}
        name={name}
        value={value}
        onChange={(event) => onChange(event.target.value as T)}
        data-testid={testId}
      >
        {choices.map((choice) => (
          <FormControlLabel
            key={choice.value}
            value={choice.value}
            control={
              <Radio slotProps={{ input: { 'aria-describedby': `${labelId}-${choice.value}` } }} />
            }
            label={
              <span>
                {choice.label}
                <Typography
                  id={`${labelId}-${choice.value}`}
                  component="span"
                  variant="body2"
                  color="text.secondary"
                  sx={{ display: 'block' }}
                >
                  {choice.hint}
                </Typography>
              </span>
            }
            sx={{ alignItems: 'flex-start', mb: 0.75, '& .MuiRadio-root': { mt: -0.5 } }}
          />
        ))}
      </RadioGroup>
    </>
  );
}
