/**
 * The model's build steps, in the order they run over one shared builder
 * (builder.ts): each step adds its typed result for the steps after it.
 */
import { backends } from './backends.ts';
import type { BuilderBefore, BuildInputs, BuildSteps, ModelBuilder, StepName } from './builder.ts';
import { classes } from './classes.ts';
import { policies } from './policies.ts';
import { routes } from './routes.ts';
import { snippets } from './snippets.ts';
import { state } from './state.ts';
import { tls } from './tls.ts';

export const BUILD_STEPS: BuildSteps = [classes, routes, backends, tls, policies, snippets, state];

/** Runs the steps before `until` (every step without it) over a builder of `inputs`. */
export function runBuildSteps(inputs: BuildInputs): ModelBuilder;
export function runBuildSteps<K extends StepName>(inputs: BuildInputs, until: K): BuilderBefore<K>;
export function runBuildSteps(inputs: BuildInputs, until?: StepName): Partial<ModelBuilder> {
  // Each step reads only the fields of the steps before it (BuildStep's type says which).
  const builder: Record<string, unknown> = { ...inputs };
  for (const step of BUILD_STEPS) {
    if (step.name === until) break;
    builder[step.name] = step.run(builder as unknown as ModelBuilder);
  }
  return builder as Partial<ModelBuilder>;
}
