/**
 * From a folder name as configured (a connector's folder, a source's default such as "Twitter Archive",
 * a custom source's name such as "Acme Inc.") to the IMAP mailbox path that keeps it ONE folder, named as
 * configured, at the chosen level.
 *
 * IMAP names are paths: the server's hierarchy separator ("." on Dovecot maildir, Courier, Cyrus; "/" on
 * Gmail, Exchange, Dovecot with LAYOUT=fs) splits them into levels, so "Acme Inc." would become "Acme Inc"
 * with an empty sub-folder and "Sales/EMEA" two levels. Inside a name, those characters are replaced by
 * look-alikes (NAME_SUBSTITUTES), so the admin still reads the name they configured:
 * - the server's separator, whatever it is;
 * - "/" always: it is the file-system separator of maildir and mbox servers, which refuse it even when
 *   "." is the IMAP separator (Dovecot: "Name must not have '/' characters"), and replacing it
 *   everywhere gives the same folder name on every server;
 * - a "~" that begins a level (Dovecot refuses it: home-directory expansion).
 * The mapping is a pure function of (name, separator, namespace prefix, parent), so a rerun or a resume
 * after a crash finds the same folder. Non-ASCII names are left to imapflow's modified UTF-7 encoding.
 */
import { FerryError } from '../../errors';

/** Look-alike characters for those that cannot stay in one IMAP folder level. */
export const NAME_SUBSTITUTES: Readonly<Record<string, string>> = {
  '.': '\u00B7', // MIDDLE DOT: reads as a dot, present in every font (Latin-1)
  '/': '\u2215', // DIVISION SLASH
  '\\': '\u29F5', // REVERSE SOLIDUS OPERATOR
  '~': '\uFF5E', // FULLWIDTH TILDE (only where a level begins)
};

/** The personal namespace as the server reports it (NAMESPACE, or LIST "" "" without it). */
export interface ServerHierarchy {
  /** Prefix of personal folders: '' on most servers, "INBOX." on Courier and Cyrus without altnamespace. */
  prefix: string;
  /** Hierarchy separator; null for a flat server (no levels); undefined when the server did not say. */
  delimiter: string | null | undefined;
}

/** The separator a parent-folder setting uses between levels, whatever the server's is. */
export const PARENT_SETTING_SEPARATOR = '/';

/** A substitute for any other ASCII separator: its full-width form (U+FF01..U+FF5E mirror "!".."~"). */
function substituteFor(ch: string): string {
  const known = NAME_SUBSTITUTES[ch];
  if (known) return known;
  const code = ch.charCodeAt(0);
  return code > 0x20 && code < 0x7f ? String.fromCharCode(code + 0xfee0) : '_';
}

function checkName(name: string, what: string): void {
  if (!name.trim()) throw new FerryError('config', `the IMAP ${what} "${name}" is empty: give the folder a name`);
  // IMAP servers refuse control characters in names (Dovecot: "not valid mUTF-7"); no look-alike is obvious.
  const bad = /[\u0000-\u001f\u007f]/.exec(name);
  if (bad) {
    throw new FerryError('config', `the IMAP ${what} "${name.replace(/[\u0000-\u001f\u007f]/g, '?')}" contains a control character `
      + `(U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}) at position ${bad.index + 1}: remove it from the folder setting`);
  }
}

/** One folder level: every character that would split it or be refused replaced by its look-alike. */
export function escapeLevel(name: string, delimiter: string | null | undefined): string {
  // Unknown separator: replace both usual ones, which is safe on any server.
  const splitters = new Set(delimiter === undefined ? ['.', '/'] : ['/', ...(delimiter ? [delimiter] : [])]);
  let out = '';
  for (const ch of name) out += splitters.has(ch) ? substituteFor(ch) : ch;
  return out.startsWith('~') ? NAME_SUBSTITUTES['~'] + out.slice(1) : out;
}

const isInbox = (s: string) => s.toUpperCase() === 'INBOX';

/** The namespace prefix ending with the separator, as RFC 2342 advises (some servers omit it). */
function prefixOf(server: ServerHierarchy): string {
  const d = server.delimiter;
  return server.prefix && d && !server.prefix.endsWith(d) ? server.prefix + d : server.prefix;
}

/**
 * The mailbox path for `folder`, under `parentFolder` when one is set (a deliberate path: levels separated
 * by "/" whatever the server's separator, each level mapped like a name; "INBOX" first means under the
 * inbox), inside the personal namespace. "Inbox" (the catch-all's folder) is the INBOX itself.
 */
export function mailboxPath(folder: string, server: ServerHierarchy, parentFolder?: string): string {
  checkName(folder, 'folder');
  if (isInbox(folder)) return 'INBOX';
  const levels = [escapeLevel(folder, server.delimiter)];
  const parent = parentFolder?.trim() ? parentFolder.split(PARENT_SETTING_SEPARATOR).filter((l) => l !== '') : [];
  if (parent.length) {
    if (!server.delimiter) {
      throw new FerryError('config', server.delimiter === null
        ? `the IMAP server has no folder hierarchy, so the parent folder "${parentFolder}" cannot be used: clear the setting`
        : `the IMAP server did not report its folder separator, so the parent folder "${parentFolder}" cannot be used: clear the setting`);
    }
    for (const l of parent) checkName(l, 'parent folder level');
    levels.unshift(...parent.map((l, i) => (i === 0 && isInbox(l) ? 'INBOX' : escapeLevel(l, server.delimiter))));
  }
  // Personal folders live below the namespace prefix (RFC 2342), e.g. "INBOX." + "Acme Inc·"; a parent
  // path that starts at the inbox is already there when the prefix is the inbox.
  const d = server.delimiter ?? '';
  const prefix = prefixOf(server);
  if (prefix && isInbox(prefix.slice(0, prefix.length - d.length)) && levels[0] === 'INBOX' && levels.length > 1) levels.shift();
  return prefix + levels.join(d);
}

/** The folders above `path` inside the namespace, outermost first (INBOX excluded: it always exists). */
export function ancestorsOf(path: string, server: ServerHierarchy): string[] {
  if (!server.delimiter || path === 'INBOX') return [];
  const prefix = prefixOf(server);
  const levels = path.slice(path.startsWith(prefix) ? prefix.length : 0).split(server.delimiter);
  const out: string[] = [];
  for (let i = 1; i < levels.length; i++) {
    const p = prefix + levels.slice(0, i).join(server.delimiter);
    if (!isInbox(p)) out.push(p);
  }
  return out;
}

/** For the connection test: how this server names folders, and where the folders per source will go. */
export function describeHierarchy(server: ServerHierarchy, parentFolder?: string): { ok: boolean; message: string } {
  const within = server.prefix ? ` (personal folders under "${server.prefix}")` : '';
  const levels = server.delimiter === null ? 'the server has a single folder level'
    : server.delimiter === undefined ? 'the server did not report its folder separator'
      : `the server separates folder levels with "${server.delimiter}"${within}`;
  const inside = [...new Set(['/', ...(server.delimiter === undefined ? ['.'] : server.delimiter ? [server.delimiter] : [])])]
    .map((ch) => `"${ch}" becomes "${substituteFor(ch)}"`).join(' and ');
  let where: string;
  try {
    const sample = mailboxPath('x', server, parentFolder);
    const parents = ancestorsOf(sample, server);
    const parent = parents.at(-1) ?? (sample.startsWith(`INBOX${server.delimiter ?? ''}`) && sample !== prefixOf(server) + 'x' ? 'INBOX' : '');
    where = parent ? `folders per source go under "${parent}"` : 'folders per source go at the top of the mailbox';
  } catch (err) {
    return { ok: false, message: `${levels}; ${(err as Error).message}` };
  }
  return { ok: true, message: `${levels}; ${where}; inside a folder name ${inside}, so each name stays one folder` };
}
