/** Where progress goes: process.stdout by default; a terminal (`isTTY`) gets redrawn bars. */
export type ProgressStream = NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number };

/** Draws one bar at a time, plus lines of their own. */
export interface ProgressRenderer {
  /** Begins a bar, ending the current one. A transient bar is cleared when it ends (plain output skips it). */
  start(label: string, total: number, transient: boolean): void;
  /** `done` of `total` items, with a detail such as `loss=0.312 lr=1.0e-3`. */
  update(done: number, detail: string): void;
  stop(): void;
  /** Writes a line after ending the current bar. */
  line(text: string): void;
}
