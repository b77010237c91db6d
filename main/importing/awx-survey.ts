import path from 'node:path';
import { z } from 'zod';
import {
  fieldName,
  titleFromName,
  type GeneratedScript,
  type ImportedField,
  type JsonObject,
} from './generated-script.js';
import { entryProblems, ImportRefused } from './import-refused.js';
import { stubEntry } from './stub-entry.js';

/** The question types of an AWX survey (`survey_spec.spec[].type`). */
const AWX_TYPES = [
  'text',
  'textarea',
  'password',
  'integer',
  'float',
  'multiplechoice',
  'multiselect',
] as const;

const Limit = z.union([z.number(), z.string(), z.null()]).optional();
const QuestionSchema = z
  .object({
    question_name: z.string().optional(),
    question_description: z.string().optional(),
    variable: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name like "target_host"'),
    type: z.string(),
    required: z.boolean().optional(),
    default: z.unknown().optional(),
    choices: z.union([z.string(), z.array(z.union([z.string(), z.number()]))]).optional(),
    min: Limit,
    max: Limit,
  })
  .passthrough();
type Question = z.infer<typeof QuestionSchema>;

const SurveySchema = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  spec: z.array(z.unknown()),
});

/** A number from an AWX limit (they arrive as numbers, numeric strings, "" or null). */
function limit(value: Question['min']): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** AWX choices: a list, or one string with a choice per line. */
function choicesOf(question: Question): string[] {
  const raw = question.choices ?? [];
  const list = typeof raw === 'string' ? raw.split('\n') : raw.map(String);
  return list.map((choice) => choice.trim()).filter(Boolean);
}

function fieldOf(question: Question, name: string, todos: string[]): ImportedField {
  const schema: JsonObject = {
    title: question.question_name?.trim() || titleFromName(question.variable),
    ...(question.question_description ? { description: question.question_description } : {}),
  };
  const ui: JsonObject = {};
  const [min, max] = [limit(question.min), limit(question.max)];
  const given =
    question.default !== undefined && question.default !== null && question.default !== '';
  switch (question.type) {
    case 'text':
    case 'textarea':
    case 'password': {
      schema.type = 'string';
      if (min !== undefined && min > 0) schema.minLength = Math.floor(min);
      if (max !== undefined) schema.maxLength = Math.floor(max);
      if (question.type === 'textarea') ui['ui:widget'] = 'textarea';
      if (question.type === 'password') {
        schema['x-sensitive'] = true;
        ui['ui:widget'] = 'password';
        if (given)
          todos.push(
            `${question.variable}: the survey's default password was not copied (AWX keeps it encrypted); analysts type it, or make it a ScriptDesk secret`,
          );
      } else if (given) schema.default = String(question.default);
      break;
    }
    case 'integer':
    case 'float': {
      schema.type = question.type === 'integer' ? 'integer' : 'number';
      if (min !== undefined) schema.minimum = min;
      if (max !== undefined) schema.maximum = max;
      const number = Number(question.default);
      if (
        given &&
        Number.isFinite(number) &&
        (question.type === 'float' || Number.isInteger(number))
      )
        schema.default = number;
      break;
    }
    case 'multiplechoice': {
      schema.type = 'string';
      schema.enum = choicesOf(question);
      if (given && (schema.enum as string[]).includes(String(question.default)))
        schema.default = String(question.default);
      break;
    }
    default: {
      const choices = choicesOf(question);
      schema.type = 'array';
      schema.items = { type: 'string', enum: choices };
      schema.uniqueItems = true;
      ui['ui:widget'] = 'checkboxes';
      const defaults =
        typeof question.default === 'string'
          ? question.default
              .split('\n')
              .map((d) => d.trim())
              .filter(Boolean)
          : Array.isArray(question.default)
            ? question.default.map(String)
            : [];
      if (defaults.length && defaults.every((d) => choices.includes(d))) schema.default = defaults;
      if (question.required) schema.minItems = 1;
    }
  }
  if (given && schema.default === undefined && question.type !== 'password')
    todos.push(
      `${question.variable}: the default ${JSON.stringify(question.default)} does not fit the question, so the form has none; check the survey`,
    );
  return {
    name,
    schema,
    required: question.required === true,
    ...(Object.keys(ui).length ? { ui } : {}),
  };
}

/**
 * Converts an AWX job template survey (`survey_spec`: `{ name, description, spec: [questions] }`,
 * or a job template export holding one under `survey_spec`) into a script folder. AWX runs a
 * playbook with the answers as extra variables, so the entry file is a stub reading
 * $SCRIPTDESK_INPUTS (same variable names) and nothing goes on the command line.
 */
export function awxSurveyScript(file: string, id: string, bytes: Buffer): GeneratedScript {
  let document: unknown;
  try {
    document = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new ImportRefused(
      `${file}: is not JSON (${(error as Error).message}); give the survey as AWX exports it (GET /api/v2/job_templates/N/survey_spec/)`,
    );
  }
  const inner =
    typeof document === 'object' && document !== null && 'survey_spec' in document
      ? (document as { survey_spec: unknown }).survey_spec
      : document;
  const survey = SurveySchema.safeParse(inner);
  if (!survey.success)
    throw new ImportRefused(
      `${file}: is not an AWX survey: it needs a "spec" list of questions, as GET /api/v2/job_templates/N/survey_spec/ returns; give that file`,
    );
  const problems: string[] = [];
  const questions: Question[] = [];
  const seen = new Set<string>();
  survey.data.spec.forEach((raw, index) => {
    const at = `${file}: spec[${index}]`;
    const parsed = QuestionSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...entryProblems(at, parsed.error, 'fix the question'));
      return;
    }
    const question = parsed.data;
    if (!(AWX_TYPES as readonly string[]).includes(question.type))
      problems.push(
        `${at} ("${question.variable}"): unknown question type "${question.type}"; use one of ${AWX_TYPES.join(', ')}`,
      );
    else if (
      (question.type === 'multiplechoice' || question.type === 'multiselect') &&
      choicesOf(question).length === 0
    )
      problems.push(
        `${at} ("${question.variable}"): a ${question.type} question without choices; add its choices`,
      );
    if (seen.has(question.variable))
      problems.push(
        `${at}: the variable "${question.variable}" is asked twice; give each question its own variable`,
      );
    seen.add(question.variable);
    questions.push(question);
  });
  if (survey.data.spec.length === 0)
    problems.push(`${file}: the survey has no questions; export a survey that has some`);
  if (problems.length) throw new ImportRefused(problems);
  const todos: string[] = [
    'AWX ran a playbook with these answers as extra variables: replace the stub main.py with the work (it reads the answers, by the same variable names, from the JSON file named by $SCRIPTDESK_INPUTS)',
  ];
  const taken = new Set<string>();
  const fields = questions.map((question) =>
    fieldOf(question, fieldName(question.variable, taken), todos),
  );
  const name = survey.data.name?.trim() || titleFromName(id);
  return {
    id,
    title: name.slice(0, 120),
    summary: (
      survey.data.description?.trim() || `Asks the questions of the AWX survey "${name}".`
    ).slice(0, 1000),
    entry: { name: 'main.py', bytes: stubEntry(`the AWX survey ${path.basename(file)}`) },
    fields,
    constraints: [],
    supportsDryRun: false,
    packages: [],
    todos,
    origin: `the AWX survey ${path.basename(file)}`,
  };
}
