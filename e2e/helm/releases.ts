/**
 * The installs the chart tests render: the default values (as manifests/), and the two values
 * files in the chart's ci/ folder, each as its own release in its own namespace so that all
 * three can live in one API server side by side.
 */
import { join } from 'node:path';
import { CHART_DIR, type TemplateOptions } from './helm.ts';
import { DEFAULT_RELEASE } from './manifests.ts';

export const LOAD_BALANCER_VALUES = join(CHART_DIR, 'ci', 'loadbalancer-values.yaml');
export const DEFAULT_CLASS_VALUES = join(CHART_DIR, 'ci', 'default-class-values.yaml');

export const RELEASES = {
  defaults: DEFAULT_RELEASE,
  loadBalancer: {
    release: 'edge',
    namespace: 'edge-ingress',
    valuesFiles: [LOAD_BALANCER_VALUES],
    set: { 'namespace.create': 'true' },
  },
  defaultClass: {
    release: 'internal',
    namespace: 'internal-ingress',
    valuesFiles: [DEFAULT_CLASS_VALUES],
    set: { 'namespace.create': 'true' },
  },
} satisfies Record<string, TemplateOptions>;

export type ReleaseName = keyof typeof RELEASES;
