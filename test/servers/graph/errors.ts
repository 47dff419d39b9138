/** Graph's error answer: `{ "error": { "code", "message", "innerError": { "date", "request-id", "client-request-id" } } }`. */
export class GraphHttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

export function errorBody(code: string, message: string, requestId: string, clientRequestId?: string): string {
  return JSON.stringify({
    error: {
      code, message,
      innerError: { date: new Date().toISOString().replace(/\.\d+Z$/, ''), 'request-id': requestId, ...(clientRequestId ? { 'client-request-id': clientRequestId } : {}) },
    },
  });
}
