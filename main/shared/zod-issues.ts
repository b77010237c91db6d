import type { z } from 'zod';

/** Formats a zod failure as "field `x` reason" lines, for messages a person reads. */
export function describeZodIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const field = issue.path.length
      ? `field \`${issue.path.map(String).join('.')}\``
      : 'the document';
    return `${field} ${issue.message.replace(/^Invalid input: /, '')}`;
  });
}
