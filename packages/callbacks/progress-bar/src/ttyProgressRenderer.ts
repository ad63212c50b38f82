import cliProgress from 'cli-progress';
import type { ProgressRenderer, ProgressStream } from './progressRenderer.js';

const BAR_WIDTH = 30;

/** A cli-progress bar redrawn in place on a terminal: `Epoch 3/10 |████░░| 120/200 loss=0.312 …`. */
export class TtyProgressRenderer implements ProgressRenderer {
  readonly #stream: ProgressStream;
  readonly #leave: boolean;
  #bar: cliProgress.SingleBar | undefined;

  constructor(stream: ProgressStream, leave: boolean) {
    this.#stream = stream;
    this.#leave = leave;
  }

  start(label: string, total: number, transient: boolean): void {
    this.stop();
    const bar = new cliProgress.SingleBar({
      stream: this.#stream,
      barsize: BAR_WIDTH,
      barCompleteChar: '█',
      barIncompleteChar: '░',
      clearOnComplete: transient || !this.#leave,
      format: (options, params, payload: { readonly detail?: string }) =>
        `${label} |${cliProgress.Format.BarFormat(params.progress, options)}| ${params.value}/${params.total} ${payload.detail ?? ''}`.trimEnd(),
    });
    bar.start(total, 0, { detail: '' });
    this.#bar = bar;
  }

  update(done: number, detail: string): void {
    this.#bar?.update(done, { detail });
  }

  stop(): void {
    this.#bar?.stop();
    this.#bar = undefined;
  }

  line(text: string): void {
    this.stop();
    this.#stream.write(`${text}\n`);
  }
}
