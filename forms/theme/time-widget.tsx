import { getTemplate, type WidgetProps } from '@rjsf/utils';
import { clockOf, timeOf } from './time-value.js';

/**
 * A `format: "time"` field as a time picker whose value carries this computer's time zone. A
 * JSON Schema time needs its zone ("18:00:00+01:00"), and RJSF's own widget gives "18:00:00",
 * which every validator refuses: the field could never be filled.
 */
export default function TimeWidget(props: WidgetProps) {
  const { onChange, options, registry, value } = props;
  const BaseInputTemplate = getTemplate('BaseInputTemplate', registry, options);
  // The offset today: the picked time means that clock time where the user is.
  const local = -new Date().getTimezoneOffset();
  return (
    <BaseInputTemplate
      type="time"
      {...props}
      value={clockOf(value, local)}
      onChange={(clock: string) => onChange(clock ? timeOf(clock, local) : undefined)}
    />
  );
}
