/** Renders haproxy.cfg and its side files (maps, crt-list, certificates) as a set of files. */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import type { Certificate, DesiredState } from '../../model/types.ts';
import { patternFileFiles } from '../runtime/pattern-files.ts';
import { authFiles } from './auth-lines.ts';
import { CLIENT_AUTH_CRT_LIST, clientAuthCrtList } from './client-auth-lines.ts';
import { errorfileFiles } from './errorfiles.ts';
import { type MapEntry, routingMaps } from './route-map.ts';
import { CERT_DIR, type ConfigView, CRT_LIST, FALLBACK_CERT, PASSTHROUGH_MAP } from './view.ts';

export interface RenderedFile {
  /** Path relative to the config directory. */
  path: string;
  content: string;
  mode: number;
}

export const TEMPLATE_DIR = new URL('../../../templates/', import.meta.url).pathname;

/** A template names a value the view does not have: a misspelt name, caught at render time. */
export class TemplateNameError extends Error {}

/**
 * Block helpers that refuse a value the view does not have. Handlebars' strict
 * mode catches `{{missing}}` but not `{{#if missing}}`, which would silently
 * print nothing; the view marks absent values with null (see withNulls).
 */
function guardBlockHelpers(hb: typeof Handlebars): void {
  for (const name of ['if', 'unless', 'with', 'each']) {
    const builtin = hb.helpers[name] as Handlebars.HelperDelegate;
    hb.registerHelper(name, function (this: unknown, value: unknown, options: Handlebars.HelperOptions) {
      if (value === undefined) {
        const at = (options as { loc?: { start: { line: number } } }).loc?.start.line;
        throw new TemplateNameError(`{{#${name}}} at line ${at ?? '?'} names a value the view does not have`);
      }
      return builtin.call(this, value, options);
    });
  }
}

/** The view with absent values as null, so that only a name the view lacks reads as undefined. */
function withNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withNulls);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, v === undefined ? null : withNulls(v)]),
    );
  return value;
}

/** The built-in partials (templates/partials/*.hbs) by name: what --templates can replace. */
export function builtinPartials(dir = TEMPLATE_DIR): Map<string, string> {
  const partials = join(dir, 'partials');
  return new Map(
    readdirSync(partials)
      .filter((file) => file.endsWith('.hbs'))
      .sort()
      .map((file) => [basename(file, '.hbs'), readFileSync(join(partials, file), 'utf8')]),
  );
}

/** The template haproxy.cfg is rendered with, once compiled. */
export type ConfigTemplate = ReturnType<typeof compileTemplates>;

/**
 * Compiles haproxy.cfg.hbs with the partials of `dir`; a partial of `overlay` (the
 * user's --templates, by name) replaces the built-in one of the same name, and one
 * of another name is there for the user's partials to include.
 */
export function compileTemplates(dir: string, overlay: ReadonlyMap<string, string> = new Map()) {
  const hb = Handlebars.create();
  guardBlockHelpers(hb);
  for (const [name, source] of builtinPartials(dir)) hb.registerPartial(name, overlay.get(name) ?? source);
  for (const [name, source] of overlay) if (!(name in hb.partials)) hb.registerPartial(name, source);
  // noEscape: this is not HTML; safety comes from validated values and the guard below.
  return hb.compile(readFileSync(join(dir, 'haproxy.cfg.hbs'), 'utf8'), { noEscape: true, strict: true });
}

let template: ConfigTemplate | undefined;

/** The built-in templates, compiled once. */
export function builtinTemplate(): ConfigTemplate {
  template ??= compileTemplates(TEMPLATE_DIR);
  return template;
}

export class UnsafeValueError extends Error {
  readonly path: string;
  constructor(path: string) {
    super(`refusing to render: value at ${path} contains a line break or NUL`);
    this.path = path;
  }
}

const UNSAFE = /[\r\n\0]/;

function hasUnsafe(value: unknown): boolean {
  if (typeof value === 'string') return UNSAFE.test(value);
  if (Array.isArray(value)) return value.some(hasUnsafe);
  if (value && typeof value === 'object') return Object.values(value).some(hasUnsafe);
  return false;
}

function findUnsafe(value: unknown, path: string): string {
  if (Array.isArray(value)) {
    const i = value.findIndex(hasUnsafe);
    return findUnsafe(value[i], `${path}[${i}]`);
  }
  if (value && typeof value === 'object') {
    const entry = Object.entries(value).find(([, v]) => hasUnsafe(v));
    if (entry) return findUnsafe(entry[1], `${path}.${entry[0]}`);
  }
  return path;
}

/**
 * Last line of defence against config injection: whatever slipped past the
 * schemas, no printed value may start a new line in haproxy.cfg. The path of
 * the offending value is only worked out when there is one.
 */
function assertSingleLine(value: unknown, path = 'view'): void {
  if (hasUnsafe(value)) throw new UnsafeValueError(findUnsafe(value, path));
}

export function mapFile(entries: readonly MapEntry[]): string {
  for (const [key, value] of entries) assertSingleLine(`${key} ${value}`, 'map entry');
  return entries.map(([k, v]) => `${k} ${v}\n`).join('');
}

export function renderConfig(view: ConfigView, compiled: ConfigTemplate = builtinTemplate()): string {
  assertSingleLine(view);
  return compiled(withNulls(view));
}

/** Renders a view with templates compiled from `dir` (tests, and user templates). */
export function renderWith(compiled: ReturnType<typeof compileTemplates>, view: unknown): string {
  return compiled(withNulls(view));
}

/**
 * All files of one config generation, with absolute paths under `dir` (the
 * config directory). `fallbackPem` is the generated self-signed certificate,
 * written along when no default certificate is configured.
 */
export function renderFiles(
  state: DesiredState,
  view: ConfigView,
  dir: string,
  fallbackPem: string,
  compiled: ConfigTemplate = builtinTemplate(),
): RenderedFile[] {
  const { routing, tls } = state;
  const files: RenderedFile[] = [
    { path: 'haproxy.cfg', content: renderConfig(view, compiled), mode: 0o644 },
    ...routingMaps(routing, state.listeners).map(([path, entries]) => ({
      path,
      content: mapFile(entries),
      mode: 0o644,
    })),
  ];
  const certificates = [...tls.certificates];
  if (tls.defaultCertificate && !certificates.some((c) => c.file === tls.defaultCertificate?.file)) {
    certificates.push(tls.defaultCertificate);
  }
  if (!tls.defaultCertificate) files.push({ path: FALLBACK_CERT, content: fallbackPem, mode: 0o600 });
  for (const certificate of certificates) {
    // Private keys: readable by the owner only.
    files.push({ path: `${CERT_DIR}/${certificate.file}`, content: certificate.pem, mode: 0o600 });
  }
  files.push({ path: CRT_LIST, content: crtListContent(tls.certificates, dir), mode: 0o644 });
  if (tls.clientAuth?.length) {
    const fallback = tls.defaultCertificate ? `${CERT_DIR}/${tls.defaultCertificate.file}` : FALLBACK_CERT;
    files.push({ path: CLIENT_AUTH_CRT_LIST, content: clientAuthCrtList(state, dir, fallback), mode: 0o644 });
  }
  // CA bundles and client certificates for the frontend and the pods (a client certificate has its key).
  for (const extra of tls.files)
    files.push({ path: `${CERT_DIR}/${extra.file}`, content: extra.pem, mode: 0o600 });
  files.push({ path: PASSTHROUGH_MAP, content: mapFile(routing.passthrough), mode: 0o644 });
  files.push(...errorfileFiles(state));
  files.push(...patternFileFiles(state.patternFiles));
  files.push(...authFiles(state.backends.map((b) => b.policy)));
  return files;
}

/** The crt-list: one line per certificate file with the SNI names it is served for. */
export function crtListContent(certificates: readonly Certificate[], dir: string): string {
  return certificates
    .map((c) => {
      assertSingleLine(c.sni, `certificate ${c.file}`);
      return `${dir}/${CERT_DIR}/${c.file} ${c.sni.join(' ')}\n`;
    })
    .join('');
}
