import { apiToken, apiUrl } from './client';

/** One server-sent event: its `event:` name and its `data:` text. */
export interface ServerEvent {
  readonly type: string;
  readonly data: string;
}

/** How long to wait before reading the stream again after it dropped without a final event. */
const RETRY_MS = 1000;

/**
 * Follows a server-sent-event stream of the API with fetch rather than EventSource, because EventSource cannot send
 * the bearer token a server bound beyond loopback asks of every read. Reconnects when the stream drops, until
 * `onEvent` returns true (a final event) or the signal aborts.
 */
export async function followServerEvents(path: string, onEvent: (e: ServerEvent) => boolean, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      const token = apiToken();
      const res = await fetch(apiUrl(path), { headers: { accept: 'text/event-stream', ...(token !== null ? { authorization: `Bearer ${token}` } : {}) }, signal });
      if (res.ok && res.body !== null) {
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n/g, '\n');
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let type = 'message';
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('event:')) type = line.slice(6).trim();
              else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
            }
            if (data.length > 0 && onEvent({ type, data: data.join('\n') })) {
              await reader.cancel();
              return;
            }
          }
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      // A dropped connection: read the stream again after a pause, as EventSource would.
      if (!(err instanceof TypeError)) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}
