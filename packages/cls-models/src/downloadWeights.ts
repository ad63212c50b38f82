import { createHash } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { ClsError, type Logger } from '@nextplay/cls-core';
import { hashPrefixOf } from './imagenetWeights.js';
import { StallWatchdog } from './stallWatchdog.js';
import { WEIGHTS_FILE_LIMITS } from './weightsFileLimits.js';

export interface DownloadOptions {
  readonly logger?: Logger;
  /** Where progress goes; default stderr. A TTY gets a bar redrawn in place, anything else a line per 25%. */
  readonly progress?: NodeJS.WritableStream & { isTTY?: boolean };
  /** The most bytes the file may have: a weights file's limit (`WEIGHTS_FILE_LIMITS.maxFileBytes`) by default. */
  readonly maxBytes?: number;
  /** Milliseconds without data after which the download is given up; default 60 s. */
  readonly stallMs?: number;
}

const DEFAULT_STALL_MS = 60_000;

/**
 * Downloads `url` to `destination` (via a temporary file, so a partial download never looks complete), checking
 * the SHA-256 prefix in the file name as torch.hub does. A file larger than `maxBytes` or a server silent for
 * `stallMs` ends it. Any failure is a ClsError saying where to put the file by hand.
 */
export async function downloadWeights(
  url: string,
  destination: string,
  options: DownloadOptions = {},
): Promise<void> {
  const manual = `download ${url} yourself and save it as ${destination}`;
  const maxBytes = options.maxBytes ?? WEIGHTS_FILE_LIMITS.maxFileBytes;
  const watchdog = new StallWatchdog(options.stallMs ?? DEFAULT_STALL_MS);
  const failed = (error: unknown, what: string): ClsError =>
    watchdog.stalled
      ? new ClsError(
          'CHECKPOINT_NOT_FOUND',
          `download of ${url} stalled: no data for ${String(watchdog.ms / 1000)} s`,
          { hint: manual, cause: error },
        )
      : new ClsError('CHECKPOINT_NOT_FOUND', `${what}: ${reasonOf(error)}`, { hint: manual, cause: error });
  const tooLarge = (bytes: string): ClsError =>
    new ClsError(
      'CHECKPOINT_INVALID',
      `refusing to download ${url}: ${bytes} more than the ${String(maxBytes)} bytes a weights file may have`,
      { hint: manual },
    );
  const chunks: Uint8Array[] = [];
  const hash = createHash('sha256');
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: watchdog.signal });
    } catch (error) {
      throw failed(error, `cannot download ${url}`);
    }
    if (!response.ok || response.body === null) {
      throw new ClsError('CHECKPOINT_NOT_FOUND', `cannot download ${url}: HTTP ${response.status}`, {
        hint: manual,
      });
    }
    const total = Number(response.headers.get('content-length') ?? 0);
    if (total > maxBytes) throw tooLarge(`its ${String(total)} bytes are`);
    watchdog.heard();
    const progress = new ProgressBar(basename(destination), total, options.progress ?? process.stderr);
    let received = 0;
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        watchdog.heard();
        received += chunk.length;
        if (received > maxBytes) throw tooLarge('it sends');
        chunks.push(chunk);
        hash.update(chunk);
        progress.update(received);
      }
    } catch (error) {
      if (error instanceof ClsError) throw error;
      throw failed(error, `download of ${url} failed`);
    } finally {
      progress.finish();
    }
  } finally {
    // Ends the response too, when the download stops early.
    watchdog.stop();
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

/** The innermost message of a fetch failure (undici puts the socket's error in `cause`). */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? error.cause.message : error.message;
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
