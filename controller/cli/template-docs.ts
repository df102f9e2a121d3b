/**
 * docs/templates.md, generated from the code: every built-in partial (templates/partials/),
 * where the templates include it, and the TypeScript type of the view it receives there.
 * The contexts come from the templates' syntax trees (`#each`, `#with`, `{{> name}}`), the
 * types from the type checker on `ConfigView` (controller/emitters/config/view.ts), so the
 * page follows both. `npm run docs` writes it; a test fails when it is stale.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import ts from 'typescript';
import { builtinPartials, TEMPLATE_DIR } from '../emitters/config/render.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VIEW_MODULE = join(ROOT, 'controller/emitters/config/view.ts');
const VIEW_TYPE = 'ConfigView';
const MAIN_TEMPLATE = 'haproxy.cfg.hbs';

/** A context as a path from the view's root: property names, `[]` for an element, `!` for a value `#with` checked. */
type Context = readonly string[];

/** Where a partial is included, and with which context. */
export interface Inclusion {
  partial: string;
  from: string;
  context: Context;
}

/** Every `{{> partial}}` reachable from haproxy.cfg.hbs, with the context it gets. */
export function partialInclusions(
  main = readFileSync(join(TEMPLATE_DIR, MAIN_TEMPLATE), 'utf8'),
  partials = builtinPartials(TEMPLATE_DIR),
): Inclusion[] {
  const found: Inclusion[] = [];
  const seen = new Set<string>();
  const resolve = (expr: hbs.AST.Expression, stack: readonly Context[]): Context | undefined => {
    if (expr.type !== 'PathExpression') return undefined;
    const path = expr as hbs.AST.PathExpression;
    if (path.data) return path.parts[0] === 'root' ? path.parts.slice(1) : undefined;
    const base = stack[stack.length - 1 - path.depth] ?? [];
    return [...base, ...path.parts];
  };
  const walk = (node: hbs.AST.Node | undefined, stack: readonly Context[], from: string): void => {
    if (!node) return;
    if (node.type === 'Program') {
      for (const statement of (node as hbs.AST.Program).body) walk(statement, stack, from);
      return;
    }
    if (node.type === 'BlockStatement') {
      const block = node as hbs.AST.BlockStatement;
      const helper =
        block.path.type === 'PathExpression' ? (block.path as hbs.AST.PathExpression).original : '';
      const subject = block.params[0] && resolve(block.params[0], stack);
      const inner =
        subject && helper === 'each'
          ? [...stack, [...subject, '[]']]
          : subject && helper === 'with'
            ? [...stack, [...subject, '!']]
            : stack;
      walk(block.program, inner, from);
      walk(block.inverse, stack, from);
      return;
    }
    if (node.type === 'PartialStatement' || node.type === 'PartialBlockStatement') {
      const partial = node as hbs.AST.PartialStatement;
      const name = (partial.name as hbs.AST.PathExpression).original;
      const context =
        (partial.params[0] && resolve(partial.params[0], stack)) ?? stack[stack.length - 1] ?? [];
      found.push({ partial: name, from, context });
      const key = `${name} ${context.join('.')}`;
      const source = partials.get(name);
      if (source === undefined || seen.has(key)) return;
      seen.add(key);
      walk(Handlebars.parse(source), [...stack.slice(0, -1), context], `${name}.hbs`);
    }
  };
  walk(Handlebars.parse(main), [[]], MAIN_TEMPLATE);
  return found;
}

/** Prints view types from the type checker, objects expanded, as TypeScript. */
class ViewTypes {
  readonly #checker: ts.TypeChecker;
  readonly #root: ts.Type;

  constructor() {
    const config = ts.getParsedCommandLineOfConfigFile(
      join(ROOT, 'tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    );
    const program = ts.createProgram([VIEW_MODULE], { ...config?.options, noEmit: true });
    this.#checker = program.getTypeChecker();
    const source = program.getSourceFile(VIEW_MODULE);
    const module = source && this.#checker.getSymbolAtLocation(source);
    const alias = module && this.#checker.getExportsOfModule(module).find((s) => s.name === VIEW_TYPE);
    if (!alias) throw new Error(`${VIEW_MODULE} exports no type ${VIEW_TYPE}`);
    this.#root = this.#checker.getDeclaredTypeOfSymbol(alias);
  }

  /** The type at a context path, or undefined where the view has no such value. */
  at(context: Context): ts.Type | undefined {
    let type: ts.Type | undefined = this.#root;
    for (const step of context) {
      if (!type) return undefined;
      const defined: ts.Type = this.#checker.getNonNullableType(type);
      if (step === '!') type = defined;
      else if (step === '[]') type = this.#checker.getIndexTypeOfType(defined, ts.IndexKind.Number);
      else {
        const property = this.#checker.getPropertyOfType(defined, step);
        type = property && this.#checker.getTypeOfSymbol(property);
      }
    }
    return type;
  }

  print(type: ts.Type, indent = ''): string {
    const checker = this.#checker;
    if (type.isUnion()) {
      const parts = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
      const absent = parts.length < type.types.length ? ' | undefined' : '';
      if (parts.every((t) => !this.#isObject(t))) return checker.typeToString(type);
      return `${parts.map((t) => this.print(t, indent)).join(' | ')}${absent}`;
    }
    if (checker.isArrayType(type) || checker.isTupleType(type)) {
      const element = checker.getIndexTypeOfType(type, ts.IndexKind.Number);
      const printed = element ? this.print(element, indent) : 'unknown';
      return element?.isUnion() && this.#isObject(element) ? `(${printed})[]` : `${printed}[]`;
    }
    if (!this.#isObject(type)) return checker.typeToString(type);
    const inner = `${indent}  `;
    const lines = checker.getPropertiesOfType(type).map((property) => {
      const optional = property.flags & ts.SymbolFlags.Optional ? '?' : '';
      return `${inner}${property.name}${optional}: ${this.print(checker.getTypeOfSymbol(property), inner)};`;
    });
    return `{\n${lines.join('\n')}\n${indent}}`;
  }

  #isObject(type: ts.Type): boolean {
    if (type.isUnion()) return type.types.some((t) => this.#isObject(t));
    return (
      (type.flags & ts.TypeFlags.Object) !== 0 &&
      type.getCallSignatures().length === 0 &&
      this.#checker.getPropertiesOfType(type).length > 0
    );
  }

  get root(): ts.Type {
    return this.#root;
  }
}

const label = (context: Context): string =>
  context.length === 0
    ? 'the whole view'
    : `\`${context
        .filter((s) => s !== '!')
        .join('.')
        .replaceAll('.[]', '[]')}\``;

export function templatesDoc(): string {
  const partials = builtinPartials(TEMPLATE_DIR);
  const inclusions = partialInclusions(readFileSync(join(TEMPLATE_DIR, MAIN_TEMPLATE), 'utf8'), partials);
  const types = new ViewTypes();
  const sections = [...partials.keys()].sort().map((name) => {
    const here = inclusions.filter((i) => i.partial === name);
    if (here.length === 0) return [`### \`${name}\``, '', 'Not included by the built-in templates.', ''];
    // One block per distinct type: the same partial often gets the same kind of value from several places.
    const byType = new Map<string, Inclusion[]>();
    for (const inclusion of here) {
      const type = inclusion.context.length === 0 ? 'view' : types.at(inclusion.context);
      const printed =
        type === 'view' ? 'view' : type ? types.print(type) : 'unknown (the view has no such value)';
      byType.set(printed, [...(byType.get(printed) ?? []), inclusion]);
    }
    return [
      `### \`${name}\``,
      '',
      ...[...byType].flatMap(([printed, from]) => [
        `Included from ${[...new Set(from.map((i) => `\`${i.from}\` with ${label(i.context)}`))].join(', ')}${printed === 'view' ? ' (see above).' : ':'}`,
        ...(printed === 'view' ? [] : ['', '```ts', printed, '```']),
        '',
      ]),
    ];
  });
  return [
    '<!-- Generated by `npm run docs` from the source; do not edit. -->',
    '# Templates',
    '',
    '`haproxy.cfg` is rendered from `templates/haproxy.cfg.hbs` and the partials in `templates/partials/`',
    '([Handlebars](https://handlebarsjs.com/)). With `--templates DIR`, each `NAME.hbs` in `DIR` replaces the',
    'built-in partial `NAME`; a file of another name is a partial that your templates can include',
    '(`{{> NAME}}`). The directory is watched: a change applies while the controller runs (one reload,',
    '`haproxy_reloads_total{reason="templates"}`). A template that does not compile, fails to render, or whose',
    'config `haproxy -c` refuses is reported (an `InvalidTemplate` problem: logged, counted in',
    '`haproxy_sidecar_problems`), and the last good templates keep serving. `haproxy-sidecar-ingress lint',
    '--templates DIR` checks them before they reach a cluster.',
    '',
    'Templates only print: every value is decided in the model and the view, and has been checked to hold no',
    'line break. Rendering is strict: a name the view does not have (`{{nmae}}`, `{{#if nmae}}`) fails the',
    'render instead of printing nothing. Nothing is HTML-escaped.',
    '',
    '## The view',
    '',
    `\`haproxy.cfg.hbs\` receives the whole view (\`${VIEW_TYPE}\` in \`controller/emitters/config/view.ts\`); every`,
    'partial can reach it as `@root`.',
    '',
    '```ts',
    types.print(types.root),
    '```',
    '',
    '## Partials',
    '',
    ...sections.flat(),
  ].join('\n');
}
