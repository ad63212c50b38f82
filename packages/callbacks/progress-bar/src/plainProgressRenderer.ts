import type { ProgressRenderer } from './progressRenderer.js';

/** Lines per bar when the total is known: one every tenth. */
const LINES_PER_BAR = 10;
/** Items between lines when the total is unknown. */
const UNKNOWN_TOTAL_INTERVAL = 50;

/**
 * Progress for logs, CI and pipes: no escape codes, no redrawing, a plain line every ~10 % of a bar
 * (`Epoch 3/10 120/200 (60%) loss=0.312 …`) and one for where it ended if that was not printed yet.
 */
export class PlainProgressRenderer implements ProgressRenderer {
  readonly #stream: { write(text: string): unknown };
  #label = '';
  #total = 0;
  #interval = 1;
  #nextLine = 1;
  #visible = false;
  #done = 0;
  #detail = '';
  #printed = 0;

  constructor(stream: { write(text: string): unknown }) {
    this.#stream = stream;
  }

  start(label: string, total: number, transient: boolean): void {
    this.stop();
    this.#label = label;
    this.#total = total;
    this.#interval = total > 0 ? Math.max(1, Math.ceil(total / LINES_PER_BAR)) : UNKNOWN_TOTAL_INTERVAL;
    this.#nextLine = this.#interval;
    this.#visible = !transient;
    this.#done = 0;
    this.#detail = '';
    this.#printed = 0;
  }

  update(done: number, detail: string): void {
    if (!this.#visible) return;
    this.#done = done;
    this.#detail = detail;
    if (done >= this.#nextLine || (this.#total > 0 && done >= this.#total)) {
      this.#print();
      this.#nextLine = (Math.floor(done / this.#interval) + 1) * this.#interval;
    }
  }

  stop(): void {
    if (this.#visible && this.#done > this.#printed) this.#print();
    this.#visible = false;
  }

  line(text: string): void {
    this.stop();
    this.#stream.write(`${text}\n`);
  }

  #print(): void {
    const count =
      this.#total > 0
        ? `${this.#done}/${this.#total} (${Math.floor((100 * this.#done) / this.#total)}%)`
        : String(this.#done);
    this.#stream.write(`${`${this.#label} ${count} ${this.#detail}`.trimEnd()}\n`);
    this.#printed = this.#done;
  }
}
