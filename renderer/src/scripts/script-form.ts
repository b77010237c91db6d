import { withTheme } from '@rjsf/core';
import { scriptDeskTheme } from '../../../forms/theme/index.js';

/** RJSF's `Form` with the Material UI theme and the ScriptDesk widgets. */
export const ScriptForm = withTheme(scriptDeskTheme);
