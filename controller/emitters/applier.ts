/**
 * Brings HAProxy to the desired state the cheapest safe way: Runtime API
 * commands when only pods changed, otherwise render → validate → install →
 * reload (or first start). Remembers what HAProxy has applied.
 */
import type { Logger } from 'pino';
import type { MasterCli } from '../haproxy/master-cli.ts';
import type { HAProxyProcess } from '../haproxy/process.ts';
import type { RuntimeApi } from '../haproxy/runtime-api.ts';
import type { Metrics } from '../http/metrics.ts';
import type { DesiredState } from '../model/types.ts';
import { renderFiles } from './config/render.ts';
import { buildView, type Listen, type Paths } from './config/view.ts';
import type { ConfigWriter } from './config/writer.ts';
import { planRuntime } from './runtime/diff.ts';
import { planSlots, type SlotTable } from './runtime/slots.ts';
import { describeChange, structureOf } from './structure.ts';

export interface ApplierDeps {
  writer: ConfigWriter;
  runtime: RuntimeApi;
  master: MasterCli;
  /** Absent in sidecar mode, where HAProxy is started by its own container. */
  process: HAProxyProcess | undefined;
  listen: Listen;
  paths: Paths;
  /** The generated self-signed certificate, served when no default certificate is set. */
  fallbackPem: string;
  metrics: Metrics;
  log: Logger;
}

export type ApplyOutcome = 'unchanged' | 'runtime' | 'reload' | 'start';

interface Applied {
  state: DesiredState;
  structure: string;
  slots: SlotTable;
}

export class Applier {
  readonly #deps: ApplierDeps;
  #applied: Applied | undefined;

  constructor(deps: ApplierDeps) {
    this.#deps = deps;
  }

  /** Forget what HAProxy has (it restarted): the next apply renders and reloads everything. */
  invalidate(): void {
    this.#applied = undefined;
  }

  async apply(state: DesiredState): Promise<ApplyOutcome> {
    const { metrics, log } = this.#deps;
    const structure = structureOf(state);
    const applied = this.#applied;
    let reason: string;
    if (applied && applied.structure === structure) {
      const plan = planRuntime(applied.slots, state.backends);
      if (plan.kind === 'runtime') {
        if (plan.commands.length === 0) return 'unchanged';
        try {
          const { roundTrips } = await this.#deps.runtime.apply(plan.commands);
          this.#applied = { state, structure, slots: plan.slots };
          metrics.runtimeCommands.inc(plan.commands.length);
          log.info(
            { commands: plan.commands.length, roundTrips },
            'applied endpoint changes over the Runtime API',
          );
          return 'runtime';
        } catch (error) {
          reason = 'Runtime API change failed';
          log.warn({ err: error }, 'Runtime API change failed; reloading instead');
        }
      } else reason = plan.reason;
    } else reason = describeChange(applied?.state, state);

    const slots: SlotTable = new Map(
      state.backends.map((b) => [b.name, planSlots(b, applied?.slots.get(b.name))]),
    );
    const { listen, paths, writer, fallbackPem } = this.#deps;
    await writer.install(
      renderFiles(state, buildView(state, slots, listen, paths), paths.configDir, fallbackPem),
    );

    let outcome: ApplyOutcome;
    const process = this.#deps.process;
    if (process && !process.running) {
      await process.start();
      outcome = 'start';
    } else {
      await this.#deps.master.reload();
      metrics.reloads.inc(1, { reason: reasonLabel(reason) });
      outcome = 'reload';
    }
    this.#applied = { state, structure, slots };
    log.info({ reason, outcome }, outcome === 'start' ? 'HAProxy started' : 'HAProxy reloaded');
    return outcome;
  }
}

/** A bounded label set for the metric; the full reason is in the log line. */
function reasonLabel(reason: string): string {
  if (reason.startsWith('backend ') && reason.includes('more servers')) return 'servers';
  if (reason === 'Runtime API change failed') return 'runtime_failure';
  if (reason === 'initial config') return 'initial';
  return 'structure';
}
