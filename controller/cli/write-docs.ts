/** Writes the generated reference docs (npm run docs). */
import { writeFileSync } from 'node:fs';
import { haproxyIngressMigrationDoc } from './haproxy-ingress-migration.ts';
import {
  annotationsDoc,
  flagsDoc,
  metricsDoc,
  migrateFromIngressNginxDoc,
  problemsDoc,
} from './reference-docs.ts';
import { templatesDoc } from './template-docs.ts';

const root = new URL('../../docs/', import.meta.url);
writeFileSync(new URL('flags.md', root), flagsDoc());
writeFileSync(new URL('annotations.md', root), annotationsDoc());
writeFileSync(new URL('metrics.md', root), metricsDoc());
writeFileSync(new URL('problems.md', root), problemsDoc());
writeFileSync(new URL('migrate-from-ingress-nginx.md', root), migrateFromIngressNginxDoc());
writeFileSync(new URL('migrate-from-haproxy-ingress.md', root), haproxyIngressMigrationDoc());
writeFileSync(new URL('templates.md', root), templatesDoc());
