import type { BasisEvent } from '../events/types.js';

/**
 * Where recorded events go besides the kernel's own memory log: files, the results store, Redis when live. A sink
 * gets each event once, in order, after the positions it reports are applied.
 */
export interface EventSink {
  accept(event: BasisEvent): void;
}
