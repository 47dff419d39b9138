/**
 * Third-party HTML (a previewed message body) as inert markup: DOMPurify removes scripts, event
 * handlers, forms, frames and styles; links lose their target (the address stays visible as a
 * tooltip) and images keep only inline `data:` sources, so nothing remote is ever fetched. The
 * result is then shown in a sandboxed iframe with no script permission, under the page's CSP.
 */
import DOMPurify from 'dompurify';

const purifier = DOMPurify(window);

purifier.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    const href = node.getAttribute('href');
    node.removeAttribute('href');
    node.removeAttribute('target');
    if (href) node.setAttribute('title', href);
  }
  if (node.tagName === 'IMG') {
    const src = node.getAttribute('src') ?? '';
    if (!/^data:image\/(png|gif|jpeg|webp);base64,/i.test(src)) {
      node.removeAttribute('src');
      node.setAttribute('alt', `[remote image not loaded${node.getAttribute('alt') ? `: ${node.getAttribute('alt')}` : ''}]`);
    }
  }
});

export function sanitizeHtml(html: string): string {
  return purifier.sanitize(html, {
    FORBID_TAGS: ['style', 'link', 'meta', 'base', 'form', 'input', 'button', 'textarea', 'select', 'option', 'iframe', 'frame', 'object', 'embed', 'video', 'audio', 'source', 'track', 'picture'],
    FORBID_ATTR: ['style', 'srcset', 'background', 'action', 'formaction', 'ping', 'poster', 'xlink:href'],
    ALLOW_DATA_ATTR: false,
    USE_PROFILES: { html: true },
  });
}

/** A complete, script-less document for the preview iframe's srcdoc. */
export function bodyDocument(html: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="color-scheme" content="light dark">`
    + `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:"></head><body>${sanitizeHtml(html)}</body></html>`;
}
