/**
 * The Gateway API status as problems: what status says in cluster mode is
 * also logged (and, in cluster mode, an Event), and it is all local mode has
 * to tell why a Gateway, listener or route is not served as written.
 */
import { objectRef, type Problem, type ProblemReason } from '../../store/problems.ts';
import type { Condition, GatewayApiStatus, StatusTarget } from './status-types.ts';

const REASONS: Record<string, ProblemReason> = {
  InvalidParameters: 'Unsupported',
  UnsupportedAddress: 'Unsupported',
  UnsupportedProtocol: 'Unsupported',
  UnsupportedValue: 'Unsupported',
  PortUnavailable: 'Conflict',
  ProtocolConflict: 'Conflict',
  HostnameConflict: 'Conflict',
  ShadowedByIngress: 'Conflict',
  InvalidCertificateRef: 'UnresolvedReference',
  InvalidRouteKinds: 'UnresolvedReference',
  RefNotPermitted: 'UnresolvedReference',
  BackendNotFound: 'UnresolvedReference',
  InvalidKind: 'UnresolvedReference',
  NotAllowedByListeners: 'Unused',
  NoMatchingListenerHostname: 'Unused',
  NoMatchingParent: 'Unused',
};

/** Conditions that say something is wrong: False ones (and Conflicted or PartiallyInvalid True). */
const isBad = (c: Condition): boolean =>
  c.type === 'Conflicted' || c.type === 'PartiallyInvalid' ? c.status === 'True' : c.status === 'False';

export function statusProblems(status: GatewayApiStatus): Problem[] {
  const problems: Problem[] = [];
  const add = (target: StatusTarget, field: string | undefined, conditions: readonly Condition[]) => {
    for (const c of conditions) {
      const reason = REASONS[c.reason];
      if (!reason || !isBad(c)) continue;
      problems.push({
        ref: objectRef(target.kind, target),
        ...(field && { field }),
        reason,
        message: `${c.type} ${c.status} (${c.reason}): ${c.message}`,
        severity: reason === 'Unused' || reason === 'Conflict' ? 'warning' : 'error',
      });
    }
  };
  for (const c of status.gatewayClasses) add(c.target, undefined, c.conditions);
  for (const g of status.gateways) {
    add(g.target, undefined, g.conditions);
    for (const l of g.listeners) add(g.target, `listener ${l.name}`, l.conditions);
  }
  for (const r of status.routes)
    for (const p of r.parents)
      add(
        r.target,
        `parentRef ${p.parentRef.namespace ? `${p.parentRef.namespace}/` : ''}${p.parentRef.name}${p.parentRef.sectionName ? `/${p.parentRef.sectionName}` : ''}`,
        p.conditions,
      );
  return problems;
}
