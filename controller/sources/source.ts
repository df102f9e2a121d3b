/** Where Kubernetes objects come from: a manifests directory (local mode) or the cluster. */
import type { Store } from '../store/store.ts';

export interface Source {
  readonly name: string;
  /** Loads everything once into the store, then keeps it current; resolves after the first full load. */
  start(store: Store): Promise<void>;
  stop(): Promise<void>;
}
