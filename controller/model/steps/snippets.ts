/**
 * Step 6, snippets: the global, frontend and stats snippets of the ConfigMap,
 * with the key that set each, when the operator allows snippets.
 */
import type { KeyOrigin } from '../settings/registry.ts';
import type { Snippet } from '../types.ts';
import type { BuildStep } from './builder.ts';

const snippet = (lines: string[], origin: KeyOrigin | undefined): Snippet | undefined =>
  origin && lines.length > 0 ? { lines, ref: origin.ref, field: origin.field } : undefined;

export const snippets: BuildStep<'snippets'> = {
  name: 'snippets',
  run({ options, classes: { global, globalOrigins } }) {
    if (!options.allowConfigSnippets) return {};
    return {
      global: snippet(global.globalConfigSnippet, globalOrigins.globalConfigSnippet),
      frontend: snippet(global.frontendConfigSnippet, globalOrigins.frontendConfigSnippet),
      stats: snippet(global.statsConfigSnippet, globalOrigins.statsConfigSnippet),
    };
  },
};
