/** A problem found in the input, tied to the object (and field) it came from. */
export interface Problem {
  /** `Kind namespace/name`, or a file location when no object could be read. */
  object: string;
  field?: string;
  message: string;
  /** `error`: the object or value was not used; `warning`: used, but probably not as meant. */
  severity: 'error' | 'warning';
}

export const formatProblem = (p: Problem): string =>
  `${p.object}${p.field ? ` ${p.field}` : ''}: ${p.message}`;
