/** A previewed message body: sanitised HTML in a sandboxed, script-less iframe, or the plain text. */
import { useMemo } from 'react';
import { bodyDocument } from '../sanitize';

export function MessageBody({ html, text, title }: { html?: string | undefined; text?: string | undefined; title: string }) {
  const doc = useMemo(() => (html ? bodyDocument(html) : null), [html]);
  if (doc) {
    // sandbox="" : no scripts, no forms, no navigation, an opaque origin.
    return <iframe className="message-frame" sandbox="" srcDoc={doc} title={title} referrerPolicy="no-referrer" />;
  }
  return <pre className="message-text" tabIndex={0} aria-label={title}>{text ?? '(no body)'}</pre>;
}
