import { copyFile, mkdir, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ClsError, type Logger } from '@nextplay/cls-core';
import { checkChartFonts } from './chartFonts.js';
import type { ChartSpec } from './renderChartSvg.js';
import { writeChartFiles } from './writeChartFiles.js';

export interface ChartWriterOptions {
  /** Where the one-line font warning goes (once per process, whichever writer notices first). */
  readonly logger: Logger;
  /** Pixels per inch of the PNGs; default 144 (twice the SVG's size). */
  readonly density?: number;
}

let fontsReported = false;

/**
 * Writes charts in the background, one at a time and in the order asked, so a callback's hook returns at once
 * and training goes on while the chart renders. A failure does not surface where it happened (no hook is
 * running then): `throwIfFailed()` (at the callback's next hook) or `flush()` (at the end) throws it, once per
 * distinct reason, so the engine reports it under the callback's name.
 */
export class ChartWriter {
  readonly #options: ChartWriterOptions;
  #queue: Promise<void> = Promise.resolve();
  #pending = 0;
  readonly #failures: { readonly target: string; readonly reason: string }[] = [];
  readonly #reported = new Set<string>();
  /** The latest queued write per target: an older one still queued is skipped, as the newer replaces it. */
  readonly #latestWrite = new Map<string, number>();
  #writes = 0;
  #rendered = 0;

  constructor(options: ChartWriterOptions) {
    this.#options = options;
  }

  /** Charts queued or rendering. */
  get pending(): number {
    return this.#pending;
  }

  /** Charts rendered so far (writes skipped as replaced are not counted). */
  get rendered(): number {
    return this.#rendered;
  }

  /**
   * Queues rendering `spec` to `<basePath>.svg` and `<basePath>.png`. A write still waiting when a newer one to
   * the same `basePath` is queued is skipped, so a chart redrawn every epoch never falls behind.
   */
  write(spec: ChartSpec, basePath: string): void {
    const generation = ++this.#writes;
    this.#latestWrite.set(basePath, generation);
    this.#enqueue(basePath, async () => {
      if (this.#latestWrite.get(basePath) !== generation) return;
      await this.#reportFonts();
      await writeChartFiles(
        spec,
        basePath,
        this.#options.density === undefined ? {} : { density: this.#options.density },
      );
      this.#rendered += 1;
    });
  }

  /** Queues copying the chart at `<fromBase>.{svg,png}` (once written) to `<toBase>.{svg,png}`, atomically. */
  copy(fromBase: string, toBase: string): void {
    this.#enqueue(toBase, async () => {
      await mkdir(dirname(toBase), { recursive: true });
      for (const extension of ['svg', 'png']) {
        const staging = `${toBase}.${extension}.copying-${process.pid}`;
        await copyFile(`${fromBase}.${extension}`, staging);
        await rename(staging, `${toBase}.${extension}`);
      }
    });
  }

  /** Throws the first failure not reported yet (one whose reason was already reported is dropped). */
  throwIfFailed(): void {
    const failures = this.#failures.splice(0).filter(({ reason }) => !this.#reported.has(reason));
    const first = failures[0];
    if (first === undefined) return;
    for (const { reason } of failures) this.#reported.add(reason);
    const more = failures.length > 1 ? ` (and ${failures.length - 1} more charts)` : '';
    throw new ClsError('PLUGIN_FAILED', `chart ${first.target} could not be written${more}: ${first.reason}`);
  }

  /** Waits for every queued chart, then throws as `throwIfFailed`. */
  async flush(): Promise<void> {
    await this.#queue;
    this.throwIfFailed();
  }

  #enqueue(target: string, task: () => Promise<void>): void {
    this.#pending += 1;
    this.#queue = this.#queue.then(async () => {
      try {
        await task();
      } catch (error) {
        this.#failures.push({ target, reason: error instanceof Error ? error.message : String(error) });
      } finally {
        this.#pending -= 1;
      }
    });
  }

  async #reportFonts(): Promise<void> {
    if (fontsReported) return;
    fontsReported = true;
    const check = await checkChartFonts();
    if (check.problem !== undefined) this.#options.logger.warn(check.problem);
  }
}
