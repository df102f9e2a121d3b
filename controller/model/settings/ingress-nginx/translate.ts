/**
 * Turns the nginx.ingress.kubernetes.io/ annotations of one Ingress into a
 * settings layer of our own keys, in the order the declarations list them
 * (the first annotation to set a key keeps it, as ingress-nginx's own
 * precedence between them). The layer remembers which annotation set each
 * key, so that a value our schema refuses, or a Secret it names that is
 * missing, is reported under the annotation the user wrote.
 */
import type { ObjectRef, Problem } from '../../../store/problems.ts';
import type { SettingsLayer } from '../registry.ts';
import { NGINX_PREFIX, type NginxValues, type Support, type Translation } from './annotation.ts';
import { ANNOTATIONS_BY_NAME, INGRESS_NGINX_ANNOTATIONS } from './annotations.ts';

/** What became of one annotation of an Ingress. */
export interface AnnotationOutcome {
  /** The annotation as written, with its prefix. */
  field: string;
  outcome: Support | 'invalid' | 'unknown';
  /** Our keys it set, with their prefix. */
  becomes: string[];
  /** How it differs, or why it was refused. */
  note: string;
}

export interface TranslatedAnnotations {
  /** Our keys (`haproxy.org/<name>`) and values, as a layer's values. */
  values: Record<string, string>;
  /** Our key → the annotation that set it. */
  written: Record<string, string>;
  outcomes: AnnotationOutcome[];
  problems: Problem[];
}

const OUR_PREFIX = 'haproxy.org/';
const MAX_VALUE_LENGTH = 4096;

/** The nginx annotations among an object's annotations, by bare name. */
export function nginxValues(annotations: Readonly<Record<string, string>>): NginxValues {
  const out: Record<string, string> = {};
  for (const [field, value] of Object.entries(annotations))
    if (field.startsWith(NGINX_PREFIX)) out[field.slice(NGINX_PREFIX.length)] = value;
  return out;
}

export const carriesNginxAnnotations = (annotations: Readonly<Record<string, string>>): boolean =>
  Object.keys(annotations).some((field) => field.startsWith(NGINX_PREFIX));

export function translateAnnotations(
  ref: ObjectRef,
  annotations: Readonly<Record<string, string>>,
): TranslatedAnnotations {
  const all = nginxValues(annotations);
  const result: TranslatedAnnotations = { values: {}, written: {}, outcomes: [], problems: [] };
  const outcomeOf = new Map<string, AnnotationOutcome>();
  const report = (name: string, reason: Problem['reason'], message: string, severity: Problem['severity']) =>
    result.problems.push({ ref, field: NGINX_PREFIX + name, reason, message, severity });

  for (const declared of INGRESS_NGINX_ANNOTATIONS) {
    const value = all[declared.name];
    if (value === undefined) continue;
    const field = NGINX_PREFIX + declared.name;
    const outcome: AnnotationOutcome = { field, outcome: declared.support, becomes: [], note: declared.note };
    outcomeOf.set(declared.name, outcome);
    result.outcomes.push(outcome);
    if (!declared.translate) {
      report(declared.name, 'Unsupported', `not supported: ${declared.note}; ignored`, 'error');
      continue;
    }
    // As for our own keys: a pasted blob is refused before anything reads it.
    const t: Translation =
      value.length > MAX_VALUE_LENGTH
        ? { invalid: `value longer than ${MAX_VALUE_LENGTH} characters` }
        : declared.translate(value, all);
    if ('invalid' in t) {
      outcome.outcome = 'invalid';
      outcome.note = t.invalid;
      const shown = JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
      report(declared.name, 'InvalidValue', `invalid value ${shown}: ${t.invalid}; ignored`, 'error');
    } else if ('unsupported' in t) {
      outcome.outcome = 'unsupported';
      outcome.note = t.unsupported;
      report(declared.name, 'Unsupported', `not supported: ${t.unsupported}; ignored`, 'error');
    } else if ('usedBy' in t) {
      outcome.note = t.usedBy;
    } else {
      if (t.differs) {
        outcome.outcome = 'mapped';
        outcome.note = t.differs;
      }
      for (const [key, set] of Object.entries(t.set)) {
        const ours = OUR_PREFIX + key;
        const { value: v, from } = typeof set === 'string' ? { value: set, from: declared.name } : set;
        if (ours in result.values) continue;
        result.values[ours] = v;
        result.written[ours] = NGINX_PREFIX + from;
        (outcomeOf.get(from) ?? outcome).becomes.push(ours);
      }
    }
  }
  for (const name of Object.keys(all)) {
    if (ANNOTATIONS_BY_NAME.has(name)) continue;
    result.outcomes.push({
      field: NGINX_PREFIX + name,
      outcome: 'unknown',
      becomes: [],
      note: 'not an annotation of ingress-nginx v1.15',
    });
    report(name, 'UnknownKey', 'not an annotation of ingress-nginx; ignored', 'warning');
  }
  result.outcomes.sort((a, b) => (a.field < b.field ? -1 : 1));
  return result;
}

/** The translated annotations as the layer that follows the Ingress's own. */
export function translatedLayer(ref: ObjectRef, translated: TranslatedAnnotations): SettingsLayer {
  return { scope: 'ingress', ref, values: translated.values, written: translated.written };
}
