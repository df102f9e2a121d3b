/**
 * Creates or updates objects through the API server the way `kubectl apply --server-side
 * --validate=strict` does: a server-side apply patch of the object exactly as written, with
 * `fieldValidation=Strict`, so an unknown or duplicated field is an error instead of being
 * dropped silently. The objects go over the wire unchanged: the typed client's serializer would
 * drop fields it does not know before the server could refuse them.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ApiException,
  HttpMethod,
  type KubernetesObject,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import { loadAll } from 'js-yaml';

export const FIELD_MANAGER = 'e2e-harness';

/** An object read from a file, with where it came from for error messages. */
export interface SourcedObject {
  object: KubernetesObject;
  source: string;
}

/** Sends objects exactly as written, with strict field validation. */
export class RawObjectApi extends KubernetesObjectApi {
  /**
   * Server-side apply: creates the object or updates the fields this manager owns.
   * With `dryRun`, the API server validates and defaults the object, and stores nothing.
   */
  async applyStrict(object: KubernetesObject, options: { dryRun?: boolean } = {}): Promise<KubernetesObject> {
    const path = await this.specUriPath(object, 'patch');
    const context = this.configuration.baseServer.makeRequestContext(path, HttpMethod.PATCH);
    context.setQueryParam('fieldManager', FIELD_MANAGER);
    context.setQueryParam('fieldValidation', 'Strict');
    if (options.dryRun) context.setQueryParam('dryRun', 'All');
    context.setQueryParam('force', 'true');
    context.setHeaderParam('Accept', 'application/json');
    context.setHeaderParam('Content-Type', 'application/apply-patch+yaml');
    context.setBody(JSON.stringify(object));
    return this.requestPromise(context);
  }
}

/** Every object in the `.yaml`, `.yml` and `.json` files directly in `dir`, `List` kinds unpacked. */
export async function readManifests(dir: string): Promise<SourcedObject[]> {
  const files = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isFile() && /\.(ya?ml|json)$/.test(entry.name))
    .map((entry) => entry.name)
    .sort();
  const objects: SourcedObject[] = [];
  for (const file of files) {
    const path = join(dir, file);
    const documents = loadAll(await readFile(path, 'utf8'));
    documents.forEach((document, index) => {
      if (document === null || document === undefined) return;
      const source = `${path} (document ${index + 1})`;
      for (const object of unpackList(document as KubernetesObject & { items?: unknown[] }))
        objects.push({ object, source });
    });
  }
  return objects;
}

function unpackList(document: KubernetesObject & { items?: unknown[] }): KubernetesObject[] {
  if (typeof document.kind === 'string' && document.kind.endsWith('List') && Array.isArray(document.items))
    return document.items as KubernetesObject[];
  return [document];
}

/** Namespaces first, then what others refer to by name, then the rest, keeping file order within a rank. */
const RANK: Record<string, number> = {
  Namespace: 0,
  CustomResourceDefinition: 0,
  ServiceAccount: 1,
  ClusterRole: 1,
  Role: 1,
  ClusterRoleBinding: 2,
  RoleBinding: 2,
  IngressClass: 2,
  ConfigMap: 2,
  Secret: 2,
};

export function applyOrder(objects: SourcedObject[]): SourcedObject[] {
  return objects
    .map((entry, index) => ({ entry, index, rank: RANK[entry.object.kind ?? ''] ?? 3 }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ entry }) => entry);
}

/** What the API server said when it refused an object. */
export function describeApiError(error: unknown): string {
  if (error instanceof ApiException) {
    const body = error.body as { message?: string } | string | undefined;
    const message = typeof body === 'object' && body?.message ? body.message : String(body);
    return `HTTP ${error.code}: ${message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export function describeObject(object: KubernetesObject): string {
  const ns = object.metadata?.namespace ? `${object.metadata.namespace}/` : '';
  return `${object.apiVersion} ${object.kind} ${ns}${object.metadata?.name}`;
}
