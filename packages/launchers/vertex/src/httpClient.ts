/** An HTTP request, body already serialised. */
export interface HttpRequest {
  readonly method: 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

/** Sends a request and resolves with any HTTP status; rejects only when no response came (network, abort). */
export type HttpClient = (
  request: HttpRequest,
  options?: { readonly signal?: AbortSignal },
) => Promise<HttpResponse>;

/** The real client: Node's global `fetch`. */
export const fetchHttp: HttpClient = async (request, options = {}) => {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { status: response.status, body: await response.text() };
};
