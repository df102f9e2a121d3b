/**
 * How one ingress-nginx annotation is declared: what this controller does
 * with it (honoured, mapped, not supported), the keys of ours it becomes, and
 * the translation of a value into those keys. Every annotation is declared
 * once; the model, the docs table and `migrate` read the same declarations.
 */

export const NGINX_PREFIX = 'nginx.ingress.kubernetes.io/';

/**
 * honoured: behaves as in ingress-nginx; mapped: honoured through a near
 * equivalent, with a stated difference; unsupported: ignored, with why.
 */
export type Support = 'honoured' | 'mapped' | 'unsupported';

/** The nginx annotations of one Ingress, by bare name (without the prefix). */
export type NginxValues = Readonly<Record<string, string>>;

/** A value for one of our keys; `from` names the nginx annotation it comes from when not the one translated. */
export type OurValue = string | { value: string; from: string };

export type Translation =
  /** Our keys (bare names) with values in our syntax; `differs` says how the behaviour differs, if it does. */
  | { set: Readonly<Record<string, OurValue>>; differs?: string }
  /** The value is not valid for ingress-nginx either. */
  | { invalid: string }
  /** Valid, but cannot be honoured here. */
  | { unsupported: string }
  /** Read by the translation of another annotation (e.g. a modifier of `affinity`), or without effect on its own. */
  | { usedBy: string };

export interface NginxAnnotation {
  /** Bare name, without NGINX_PREFIX. */
  name: string;
  /** What this controller does with the annotation in general; a value may still be mapped or refused. */
  support: Support;
  /** Our keys (bare names) the annotation becomes, for the docs and the report. */
  becomes: readonly string[];
  /** What it does here, how it differs, or why it is not supported. */
  note: string;
  /** Absent for unsupported annotations. */
  translate?: (value: string, all: NginxValues) => Translation;
}

export const declare = (a: NginxAnnotation): NginxAnnotation => a;

/** An annotation that cannot be honoured: every value is reported with `why`. */
export const unsupported = (name: string, why: string): NginxAnnotation => ({
  name,
  support: 'unsupported',
  becomes: [],
  note: why,
});

/** ingress-nginx reads booleans with Go's strconv.ParseBool. */
export function goBool(value: string): boolean | undefined {
  const v = value.trim();
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  return undefined;
}

/** A boolean annotation onto one boolean key of ours. */
export const boolInto =
  (key: string, invert = false) =>
  (value: string): Translation => {
    const b = goBool(value);
    if (b === undefined) return { invalid: 'must be true or false' };
    return { set: { [key]: String(b !== invert) } };
  };

/** Whole seconds, as ingress-nginx reads its timeouts; a unit (ms, s, m, h) is taken as written. */
export function seconds(value: string): string | undefined {
  const v = value.trim();
  if (/^\d{1,9}$/.test(v)) return `${v}s`;
  if (/^\d{1,9}(ms|s|m|h)$/.test(v)) return v;
  return undefined;
}
