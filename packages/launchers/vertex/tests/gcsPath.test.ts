import { describe, expect, it } from 'vitest';
import { customJobName, gcloudList, gcsChild, gcsFusePath, gcsUri, parseGcsUri } from '../src/index.js';

describe('GCS locations', () => {
  it('maps gs:// URIs to the /gcs FUSE mount', () => {
    const runs = parseGcsUri('gs://my-bucket/runs/', 'output_uri');
    expect(runs).toEqual({ bucket: 'my-bucket', path: 'runs' });
    expect(gcsFusePath(gcsChild(runs, 'multirun/2025-01-02', '0'))).toBe(
      '/gcs/my-bucket/runs/multirun/2025-01-02/0',
    );
    expect(gcsUri(gcsChild(parseGcsUri('gs://my-bucket', 'x'), '0'))).toBe('gs://my-bucket/0');
    expect(gcsFusePath(parseGcsUri('gs://my-bucket', 'x'))).toBe('/gcs/my-bucket');
  });

  it.each(['/gcs/my-bucket/runs', 'gs://', 'gs://Bad_Bucket/x', 's3://bucket'])('rejects %s', (uri) => {
    expect(() => parseGcsUri(uri, 'hydra.launcher.output_uri')).toThrow(
      `hydra.launcher.output_uri: must be a gs://<bucket>/<path> URI (got ${JSON.stringify(uri)})`,
    );
  });
});

describe('gcloud helpers', () => {
  it('joins list values with commas unless a value holds one', () => {
    expect(gcloudList(['train', 'model=resnet18'])).toBe('train,model=resnet18');
    expect(gcloudList(['a,b', 'c;d'])).toBe('^|^a,b|c;d');
  });

  it('finds the custom job resource name in gcloud output', () => {
    expect(customJobName('CustomJob [projects/1/locations/us-central1/customJobs/42] is submitted')).toBe(
      'projects/1/locations/us-central1/customJobs/42',
    );
    expect(customJobName('nothing here')).toBeUndefined();
  });
});
