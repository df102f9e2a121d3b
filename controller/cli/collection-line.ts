/** One watched collection on /readyz: `Ingress: watching, 3 objects`. */
export function collectionLine(r: {
  name: string;
  phase: string;
  objects: number;
  restarts?: number;
  lastError?: string;
}) {
  const restarts = r.restarts ? `, ${r.restarts} restarts` : '';
  return `${r.name}: ${r.phase}, ${r.objects} objects${restarts}${r.lastError ? `, last error: ${r.lastError}` : ''}`;
}
