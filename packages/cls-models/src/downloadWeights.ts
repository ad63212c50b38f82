import { createHash } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { ClsError, type Logger } from '@nextplay/cls-core';
import { hashPrefixOf } from './imagenetWeights.js';

export interface DownloadOptions {
  readonly logger?: Logger;
  /** Where progress goes; default stderr. A TTY gets a bar redrawn in place, anything else a line per 25%. */
  readonly progress?: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * Downloads `url` to `destination` (via a temporary file, so a partial download never looks complete), checking
 * the SHA-256 prefix in the file name as torch.hub does. Any failure is a ClsError saying where to put the file
 * by hand.
 */
export async function downloadWeights(
  url: string,
  destination: string,
  options: DownloadOptions = {},
): Promise<void> {
  const manual = `download ${url} yourself and save it as ${destination}`;
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    const reason =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : String(error);
    throw new ClsError('CHECKPOINT_NOT_FOUND', `cannot download ${url}: ${reason}`, {
      hint: manual,
      cause: error,
    });
  }
  if (!response.ok || response.body === null) {
    throw new ClsError('CHECKPOINT_NOT_FOUND', `cannot download ${url}: HTTP ${response.status}`, {
      hint: manual,
    });
  }
  const total = Number(response.headers.get('content-length') ?? 0);
  const progress = new ProgressBar(basename(destination), total, options.progress ?? process.stderr);
  const hash = createHash('sha256');
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      chunks.push(chunk);
      hash.update(chunk);
      received += chunk.length;
      progress.update(received);
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ClsError('CHECKPOINT_NOT_FOUND', `download of ${url} failed: ${reason}`, {
      hint: manual,
      cause: error,
    });
  } finally {
    progress.finish();
  }
  const digest = hash.digest('hex');
  const expected = hashPrefixOf(basename(destination));
  if (expected !== undefined && !digest.startsWith(expected)) {
    throw new ClsError(
      'CHECKPOINT_INVALID',
      `downloaded ${url} has SHA-256 ${digest}, expected one starting with ${expected}`,
      { hint: manual },
    );
  }
  await mkdir(dirname(destination), { recursive: true });
  const partial = `${destination}.part-${process.pid}`;
  try {
    await writeFile(partial, Buffer.concat(chunks));
    await rename(partial, destination);
  } finally {
    await rm(partial, { force: true });
  }
  options.logger?.info(`downloaded ${url} to ${destination} (sha256 ${digest})`);
}

class ProgressBar {
  #lastQuarter = -1;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean },
  ) {}

  update(received: number): void {
    const fraction = this.total > 0 ? Math.min(received / this.total, 1) : 0;
    const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
    const size = this.total > 0 ? `${mb(received)}/${mb(this.total)} MB` : `${mb(received)} MB`;
    if (this.stream.isTTY === true) {
      const width = 30;
      const filled = Math.round(fraction * width);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      this.stream.write(`\r${this.label} ${bar} ${Math.round(fraction * 100)}% ${size}`);
      return;
    }
    const quarter = Math.floor(fraction * 4);
    if (quarter > this.#lastQuarter) {
      this.#lastQuarter = quarter;
      this.stream.write(`${this.label}: ${quarter * 25}% ${size}\n`);
    }
  }

  finish(): void {
    if (this.stream.isTTY === true) this.stream.write('\n');
  }
}
