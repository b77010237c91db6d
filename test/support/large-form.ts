/**
 * The 1000-field form of the form-shape fixtures (`test/fixtures/forms/README.md`): an annual
 * supplier assessment in 20 sections of 49 questions (20 + 980 = 1000 properties, the property
 * cap), the questions cycling through text, whole numbers, amounts, yes/no, choices, dates,
 * e-mail addresses and certificate numbers, the first of each section required. Generated, not
 * committed: the same code gives the form, its valid and invalid inputs and main's expected words.
 */

/** Section titles, in order; each becomes an object of 49 questions. */
const SECTIONS = [
  'Company details',
  'Ownership',
  'Financial health',
  'Insurance',
  'Quality management',
  'Environment',
  'Health and safety',
  'Information security',
  'Data protection',
  'Business continuity',
  'Anti-bribery',
  'Modern slavery',
  'Diversity',
  'Sub-contractors',
  'Logistics',
  'Product compliance',
  'Pricing',
  'Payment terms',
  'References',
  'Declarations',
] as const;

export const LARGE_FORM_QUESTIONS_PER_SECTION = 49;

type Kind = 'text' | 'count' | 'amount' | 'yesNo' | 'choice' | 'date' | 'email' | 'certificate';
const KINDS: readonly Kind[] = [
  'text',
  'count',
  'amount',
  'yesNo',
  'choice',
  'date',
  'email',
  'certificate',
];

/** The property name of a section: "Health and safety" → "healthAndSafety". */
export function sectionKey(index: number): string {
  const words = SECTIONS[index]!.replace(/-/g, ' ').toLowerCase().split(' ');
  return words.map((word, i) => (i === 0 ? word : word[0]!.toUpperCase() + word.slice(1))).join('');
}

/** The property name of question `n` (1-based) of a section. */
export function questionKey(n: number): string {
  return `q${String(n).padStart(2, '0')}`;
}

function kindOf(n: number): Kind {
  return KINDS[(n - 1) % KINDS.length]!;
}

/** The title of question `n` of section `s` (0-based): "Information security 8.2 (count)". */
export function questionTitle(s: number, n: number): string {
  return `${SECTIONS[s]} ${s + 1}.${n} (${kindOf(n)})`;
}

function questionSchema(s: number, n: number): Record<string, unknown> {
  const title = questionTitle(s, n);
  switch (kindOf(n)) {
    case 'text':
      return { type: 'string', title, minLength: 1, maxLength: 200 };
    case 'count':
      return { type: 'integer', title, minimum: 0, maximum: 100_000 };
    case 'amount':
      return { type: 'number', title, minimum: 0, maximum: 1_000_000_000, multipleOf: 0.01 };
    case 'yesNo':
      return { type: 'boolean', title };
    case 'choice':
      return { type: 'string', title, enum: ['yes', 'no', 'partly', 'not applicable'] };
    case 'date':
      return { type: 'string', title, format: 'date' };
    case 'email':
      return { type: 'string', title, format: 'email', maxLength: 254 };
    case 'certificate':
      return {
        type: 'string',
        title,
        maxLength: 12,
        pattern: '^[A-Z]{2}[0-9]{6,10}$',
        'x-error': { pattern: 'Use two capital letters and 6 to 10 digits, like GB12345678.' },
      };
  }
}

/** The 1000-field supplier assessment form. */
export function largeFormSchema(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  SECTIONS.forEach((title, s) => {
    const questions: Record<string, unknown> = {};
    for (let n = 1; n <= LARGE_FORM_QUESTIONS_PER_SECTION; n++)
      questions[questionKey(n)] = questionSchema(s, n);
    properties[sectionKey(s)] = {
      type: 'object',
      title,
      additionalProperties: false,
      required: [questionKey(1)],
      properties: questions,
    };
  });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Annual supplier assessment',
    description:
      'The yearly questionnaire every approved supplier completes: 20 sections, 980 questions.',
    type: 'object',
    additionalProperties: false,
    required: SECTIONS.map((_, s) => sectionKey(s)),
    properties,
  };
}

function validAnswer(s: number, n: number): unknown {
  switch (kindOf(n)) {
    case 'text':
      return `Answer to ${s + 1}.${n}`;
    case 'count':
      return s * 100 + n;
    case 'amount':
      return Number(`${s * 1000 + n}.25`);
    case 'yesNo':
      return n % 2 === 0;
    case 'choice':
      return 'partly';
    case 'date':
      return `2026-${String((s % 12) + 1).padStart(2, '0')}-${String((n % 28) + 1).padStart(2, '0')}`;
    case 'email':
      return `supplier.${s + 1}.${n}@example.com`;
    case 'certificate':
      return `GB${String(1_000_000 + s * 100 + n)}`;
  }
}

/** Inputs with only the required first question of each section answered. */
function requiredOnly(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    SECTIONS.map((_, s) => [sectionKey(s), { [questionKey(1)]: validAnswer(s, 1) }]),
  );
}

/** Inputs with every one of the 980 questions answered. */
function everyAnswer(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    SECTIONS.map((_, s) => {
      const answers: Record<string, unknown> = {};
      for (let n = 1; n <= LARGE_FORM_QUESTIONS_PER_SECTION; n++)
        answers[questionKey(n)] = validAnswer(s, n);
      return [sectionKey(s), answers];
    }),
  );
}

const LAST = SECTIONS.length - 1;

/** Valid inputs by name. */
export function largeFormValidInputs(): Record<string, unknown> {
  return { 'required-only': requiredOnly(), 'every-question-answered': everyAnswer() };
}

/** Invalid inputs by name, each breaking one rule; a deep field in the last sections. */
export function largeFormInvalidInputs(): Record<string, unknown> {
  const with_ = (s: number, n: number, value: unknown) => {
    const inputs = everyAnswer();
    inputs[sectionKey(s)]![questionKey(n)] = value;
    return inputs;
  };
  const missingFirst = everyAnswer();
  delete missingFirst[sectionKey(LAST)]![questionKey(1)];
  const extra = requiredOnly();
  extra[sectionKey(LAST - 1)]!.q50 = 'one question too many';
  const missingSection = requiredOnly();
  delete missingSection[sectionKey(LAST)];
  return {
    'deep-count-over-maximum': with_(LAST, 42, 250_000),
    'deep-required-answer-missing': missingFirst,
    'certificate-wrong-format': with_(LAST - 2, 48, 'gb-123'),
    'date-day-first': with_(10, 6, '31/12/2026'),
    'amount-with-three-decimals': with_(5, 3, 10.125),
    'undeclared-question': extra,
    'section-missing': missingSection,
  };
}
