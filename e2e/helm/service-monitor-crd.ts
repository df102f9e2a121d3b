/**
 * The Prometheus Operator's ServiceMonitor CRD, so the chart's ServiceMonitor can be created in
 * the test API server with strict validation against the real schema. It comes from the
 * operator's Go module (pinned version and checksum) through the Go module proxy into the Go
 * module cache, which keeps it for the next run.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { load } from 'js-yaml';
import { z } from 'zod';
import { goCommand } from '../harness/go-binary.ts';

const MODULE = 'github.com/prometheus-operator/prometheus-operator';
const VERSION = 'v0.85.0';
/** go.sum's hash of the module: a different download is refused. */
const SUM = 'h1:M5xLCLEoaW2IJfnuCwFzzpL+jSVQu3KGT84Pye+fW8s=';
const CRD = 'example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml';

const Download = z.object({ Dir: z.string(), Sum: z.string() });

export const SERVICE_MONITOR_CRD_NAME = 'servicemonitors.monitoring.coreos.com';

export async function serviceMonitorCrd(): Promise<Record<string, unknown>> {
  // Outside any go.mod: a plain module download, nothing added to this repository's modules.
  const { stdout } = await promisify(execFile)(
    goCommand(),
    ['mod', 'download', '-json', `${MODULE}@${VERSION}`],
    { cwd: tmpdir() },
  );
  const download = Download.parse(JSON.parse(stdout));
  if (download.Sum !== SUM)
    throw new Error(`${MODULE}@${VERSION}: checksum ${download.Sum}, expected ${SUM}`);
  const crd = z
    .looseObject({
      kind: z.literal('CustomResourceDefinition'),
      metadata: z.looseObject({ name: z.string() }),
    })
    .parse(load(await readFile(join(download.Dir, CRD), 'utf8')));
  if (crd.metadata.name !== SERVICE_MONITOR_CRD_NAME) throw new Error(`${CRD} defines ${crd.metadata.name}`);
  return crd;
}
