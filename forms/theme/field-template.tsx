import FormControl from '@mui/material/FormControl';
import { getTemplate, getUiOptions, type FieldTemplateProps } from '@rjsf/utils';

/**
 * Lays out one field as people read it: the input, then what is wrong with it, then what it is
 * for (description and help). Material UI's own template puts the description between the input
 * and its errors, which hides the error in a stack of grey text.
 */
export default function FieldTemplate(props: FieldTemplateProps) {
  const {
    id,
    children,
    classNames,
    style,
    disabled,
    displayLabel,
    hidden,
    label,
    onKeyRename,
    onKeyRenameBlur,
    onRemoveProperty,
    readonly,
    required,
    rawErrors = [],
    errors,
    help,
    description,
    rawDescription,
    schema,
    uiSchema,
    registry,
  } = props;
  const uiOptions = getUiOptions(uiSchema);
  const WrapIfAdditionalTemplate = getTemplate('WrapIfAdditionalTemplate', registry, uiOptions);
  if (hidden) return <div style={{ display: 'none' }}>{children}</div>;

  // A checkbox widget shows its description itself.
  const showDescription =
    displayLabel && uiOptions.widget !== 'checkbox' && Boolean(rawDescription);
  return (
    <WrapIfAdditionalTemplate
      classNames={classNames}
      style={style}
      disabled={disabled}
      id={id}
      label={label}
      displayLabel={displayLabel}
      rawDescription={rawDescription}
      onKeyRename={onKeyRename}
      onKeyRenameBlur={onKeyRenameBlur}
      onRemoveProperty={onRemoveProperty}
      readonly={readonly}
      required={required}
      schema={schema}
      uiSchema={uiSchema}
      registry={registry}
    >
      {/* `standard` keeps error and help lines flush with the input's left edge. */}
      <FormControl fullWidth variant="standard" error={rawErrors.length > 0} required={required}>
        {children}
        {errors}
        {showDescription ? description : null}
        {help}
      </FormControl>
    </WrapIfAdditionalTemplate>
  );
}
