import { customizeValidator } from '@rjsf/validator-ajv8';
import { sharedAjvOptions } from '../vocabulary.js';

/** The renderer's RJSF validator: the shared Ajv options (ScriptDesk keywords included) plus ajv-formats. */
export const scriptDeskValidator = customizeValidator({ ajvOptionsOverrides: sharedAjvOptions });
