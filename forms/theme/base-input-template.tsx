import { Theme } from '@rjsf/mui';
import type { BaseInputTemplateProps } from '@rjsf/utils';
import type { ComponentType } from 'react';
import { useTypedValue } from './typed-value.js';

const MuiBaseInputTemplate = Theme.templates!
  .BaseInputTemplate as ComponentType<BaseInputTemplateProps>;

/**
 * Material UI's input for text, numbers, e-mail, addresses, dates and the text area, with
 * typing painted before the form takes it (see `typed-value.ts`).
 */
export default function BaseInputTemplate(props: BaseInputTemplateProps) {
  const { value, onChange, onBlur } = props;
  const typed = useTypedValue<unknown>(value, onChange);
  return (
    <MuiBaseInputTemplate
      {...props}
      value={typed.value}
      onChange={typed.onChange}
      // The MUI template reports the blur from the element; the form must hold the value first.
      onBlur={(blurredId: string, text: string) => {
        typed.commit();
        onBlur(blurredId, text);
      }}
      onKeyDown={typed.onKeyDown}
    />
  );
}
