import Typography from '@mui/material/Typography';
import { RichDescription } from '@rjsf/core';
import type { DescriptionFieldProps } from '@rjsf/utils';

/** A field's (or the form's) description: secondary text, not a heading. */
export default function DescriptionTemplate({
  id,
  description,
  registry,
  uiSchema,
}: DescriptionFieldProps) {
  if (!description) return null;
  return (
    <Typography id={id} component="div" variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
      <RichDescription description={description} registry={registry} uiSchema={uiSchema} />
    </Typography>
  );
}
