import { parentPort } from 'node:worker_threads';
import type { RenderReply, RenderRequest } from './chartRenderThread.js';
import { renderChartSvg } from './renderChartSvg.js';

// The chart render thread's script: renders each spec it is sent and answers with the SVG or why it failed.
const port = parentPort;
if (port === null) throw new Error('chartRenderWorker.js runs as a worker thread');
port.on('message', (request: RenderRequest) => {
  renderChartSvg(request.spec).then(
    (svg) => {
      port.postMessage({ id: request.id, svg } satisfies RenderReply);
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      port.postMessage({ id: request.id, error: message } satisfies RenderReply);
    },
  );
});
