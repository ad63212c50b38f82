import { Writable } from 'node:stream';

/** A writable stream that keeps what is written, posing as a terminal or as a pipe. */
export class CapturedStream extends Writable {
  readonly isTTY: boolean;
  readonly columns = 120;
  readonly #chunks: string[] = [];

  constructor(isTTY: boolean) {
    super();
    this.isTTY = isTTY;
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#chunks.push(String(chunk));
    callback();
  }

  get text(): string {
    return this.#chunks.join('');
  }

  lines(): string[] {
    return this.text.split('\n').filter((line) => line !== '');
  }
}
