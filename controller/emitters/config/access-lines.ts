/**
 * Access lists (allow-list, deny-list) as HAProxy ACL arguments: the
 * addresses themselves, or `-f` and the pattern file HAProxy reads them from.
 * A TCP backend (ssl-passthrough) applies them when the connection's first
 * bytes arrive, by source address, before anything reaches the pods.
 */
import type { BackendPolicy } from '../../model/policy.ts';
import type { AccessList } from '../../model/settings/access-lists.ts';

export function srcAcl(list: AccessList, patternDir: string): string {
  return Array.isArray(list) ? `src ${list.join(' ')}` : `src -f ${patternDir}/${list.patternFile}`;
}

/** Lines of a TCP backend: a refused client's connection is closed. */
export function tcpAccessLines(policy: BackendPolicy, patternDir: string): string[] {
  const lines: string[] = [];
  if (policy.denyList) lines.push(`tcp-request content reject if { ${srcAcl(policy.denyList, patternDir)} }`);
  if (policy.allowList)
    lines.push(`tcp-request content reject unless { ${srcAcl(policy.allowList, patternDir)} }`);
  return lines;
}
