import { ClsError } from '@nextplay/cls-core';

/** A `gs://bucket/path` URI split into bucket and object path (no leading or trailing slash). */
export interface GcsLocation {
  readonly bucket: string;
  readonly path: string;
}

// Bucket names: 3–222 characters of lowercase letters, digits, `-`, `_` and `.`.
const GCS_URI = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])(?:\/(.*))?$/;

/** Parses a `gs://` URI; `option` names the config key in the error. */
export function parseGcsUri(uri: string, option: string): GcsLocation {
  const match = GCS_URI.exec(uri);
  if (match?.[1] === undefined) {
    throw new ClsError(
      'CONFIG_INVALID',
      `${option}: must be a gs://<bucket>/<path> URI (got ${JSON.stringify(uri)})`,
    );
  }
  return { bucket: match[1], path: trimSlashes(match[2] ?? '') };
}

/** The location `segments` below `location`. */
export function gcsChild(location: GcsLocation, ...segments: readonly string[]): GcsLocation {
  return {
    bucket: location.bucket,
    path: [location.path, ...segments.map(trimSlashes)].filter((part) => part !== '').join('/'),
  };
}

export function gcsUri(location: GcsLocation): string {
  return `gs://${location.bucket}${location.path === '' ? '' : `/${location.path}`}`;
}

/** Where Vertex AI mounts the location in a custom job's container (Cloud Storage FUSE under `/gcs`). */
export function gcsFusePath(location: GcsLocation): string {
  return `/gcs/${location.bucket}${location.path === '' ? '' : `/${location.path}`}`;
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}
