/**
 * The mapping from a configured folder name to an IMAP mailbox path (folder-path.ts), for server
 * hierarchies Dovecot cannot all be configured with in one test run (flat, unknown, odd separators).
 * imap-folders.test.ts checks the common ones against real Dovecot servers.
 */
import { describe, expect, it } from 'vitest';
import { FerryError } from '../../main/engine/errors';
import { ancestorsOf, describeHierarchy, escapeLevel, mailboxPath, type ServerHierarchy } from '../../main/engine/destinations/imap/folder-path';

const DOT: ServerHierarchy = { prefix: '', delimiter: '.' };
const SLASH: ServerHierarchy = { prefix: '', delimiter: '/' };
const INBOX_DOT: ServerHierarchy = { prefix: 'INBOX.', delimiter: '.' };
const FLAT: ServerHierarchy = { prefix: '', delimiter: null };
const UNKNOWN: ServerHierarchy = { prefix: '', delimiter: undefined };

const configError = (fn: () => unknown): FerryError => {
  try { fn(); } catch (err) { expect(err).toBeInstanceOf(FerryError); expect((err as FerryError).errorClass).toBe('config'); return err as FerryError; }
  throw new Error('expected a config error');
};

describe('IMAP folder name → mailbox path', () => {
  it('replaces the server\'s separator and "/" inside a name by look-alikes, and nothing else', () => {
    expect(mailboxPath('Acme Inc.', DOT)).toBe('Acme Inc\u00B7');
    expect(mailboxPath('Chat v1.2', DOT)).toBe('Chat v1\u00B72');
    expect(mailboxPath('Sales/EMEA', DOT)).toBe('Sales\u2215EMEA');
    expect(mailboxPath('Acme Inc.', SLASH)).toBe('Acme Inc.');
    expect(mailboxPath('Sales/EMEA', SLASH)).toBe('Sales\u2215EMEA');
    expect(mailboxPath('Twitter Archive', DOT)).toBe('Twitter Archive');
    // Non-ASCII is left for imapflow's modified UTF-7; characters that are not separators stay.
    expect(mailboxPath('山田 Chat & Co (v1) 50%*', DOT)).toBe('山田 Chat & Co (v1) 50%*');
  });

  it('keeps every name one level on every kind of server', () => {
    const names = ['Acme Inc.', '...', '/', 'a/b.c\\d', '.hidden', 'Sales/EMEA/North', 'v1.2/3', '~home', 'x:y'];
    const servers: ServerHierarchy[] = [DOT, SLASH, INBOX_DOT, { prefix: '', delimiter: '\\' }, { prefix: 'Mail:', delimiter: ':' }];
    for (const server of servers) {
      for (const name of names) {
        const path = mailboxPath(name, server);
        expect(path.startsWith(server.prefix), `${name} on ${server.delimiter}`).toBe(true);
        expect(path.slice(server.prefix.length).split(server.delimiter!), `${name} on ${server.delimiter}`).toHaveLength(1);
        expect(ancestorsOf(path, server)).toEqual([]);
      }
    }
  });

  it('gives the same path every time (a resume finds the same folder) and different paths to different names', () => {
    const names = ['Acme Inc.', 'Acme Inc', 'Acme Inc/', 'Sales/EMEA', 'Sales.EMEA', 'Sales EMEA'];
    const paths = names.map((n) => mailboxPath(n, DOT));
    expect(names.map((n) => mailboxPath(n, DOT))).toEqual(paths);
    expect(new Set(paths).size).toBe(names.length);
  });

  it('uses the full-width form for any other ASCII separator, and a look-alike for a backslash', () => {
    expect(escapeLevel('a:b', ':')).toBe('a\uFF1Ab');
    expect(escapeLevel('a\\b', '\\')).toBe('a\u29F5b');
  });

  it('replaces a "~" that begins a level, which Dovecot refuses, and keeps it elsewhere', () => {
    expect(mailboxPath('~Team', DOT)).toBe('\uFF5ETeam');
    expect(mailboxPath('Team ~ B', DOT)).toBe('Team ~ B');
    expect(mailboxPath('x', DOT, '~Archive')).toBe('\uFF5EArchive.x');
  });

  it('on a flat server keeps "." and replaces "/"; when the server did not name its separator, replaces both', () => {
    expect(mailboxPath('Acme Inc./x', FLAT)).toBe('Acme Inc.\u2215x');
    expect(mailboxPath('Acme Inc./x', UNKNOWN)).toBe('Acme Inc\u00B7\u2215x');
  });

  it('puts personal folders under the namespace prefix', () => {
    expect(mailboxPath('Acme Inc.', INBOX_DOT)).toBe('INBOX.Acme Inc\u00B7');
    expect(mailboxPath('Acme Inc.', { prefix: 'Mail/', delimiter: '/' })).toBe('Mail/Acme Inc.');
    // A prefix reported without its trailing separator still names the namespace, not the start of a name.
    expect(mailboxPath('x', { prefix: 'INBOX', delimiter: '.' }, 'INBOX/Archive')).toBe('INBOX.Archive.x');
    expect(ancestorsOf('INBOX.Archive.x', { prefix: 'INBOX', delimiter: '.' })).toEqual(['INBOX.Archive']);
  });

  it('keeps the levels of a parent folder setting ("/" between levels), each level mapped like a name', () => {
    expect(mailboxPath('Acme Inc.', DOT, 'Archive/Third-party v2.0')).toBe('Archive.Third-party v2\u00B70.Acme Inc\u00B7');
    expect(mailboxPath('Acme Inc.', SLASH, 'Archive/Third-party v2.0')).toBe('Archive/Third-party v2.0/Acme Inc.');
    expect(mailboxPath('x', DOT, '/Archive//Legal/')).toBe('Archive.Legal.x');
    expect(mailboxPath('x', DOT, '  ')).toBe('x');
    expect(mailboxPath('x', INBOX_DOT, 'Archive')).toBe('INBOX.Archive.x');
  });

  it('reads "INBOX" as the first parent level as the inbox, counted once under an INBOX. prefix', () => {
    expect(mailboxPath('x', DOT, 'inbox/Archive')).toBe('INBOX.Archive.x');
    expect(mailboxPath('x', DOT, 'INBOX')).toBe('INBOX.x');
    expect(mailboxPath('x', INBOX_DOT, 'INBOX/Archive')).toBe('INBOX.Archive.x');
    expect(mailboxPath('x', INBOX_DOT, 'Inbox')).toBe('INBOX.x');
    // Further down, "Inbox" is an ordinary name.
    expect(mailboxPath('x', DOT, 'Archive/Inbox')).toBe('Archive.Inbox.x');
  });

  it('sends the catch-all\'s "Inbox" to the INBOX itself, whatever the parent and prefix', () => {
    expect(mailboxPath('Inbox', DOT, 'Archive')).toBe('INBOX');
    expect(mailboxPath('inbox', INBOX_DOT)).toBe('INBOX');
  });

  it('lists the levels above a mailbox to create, outside INBOX', () => {
    expect(ancestorsOf('Archive.Legal.x', DOT)).toEqual(['Archive', 'Archive.Legal']);
    expect(ancestorsOf('INBOX.Archive.x', INBOX_DOT)).toEqual(['INBOX.Archive']);
    expect(ancestorsOf('INBOX.Archive.x', DOT)).toEqual(['INBOX.Archive']);
    expect(ancestorsOf('INBOX', DOT)).toEqual([]);
    expect(ancestorsOf('a.b', FLAT)).toEqual([]);
  });

  it('refuses names an admin must fix, saying which and why', () => {
    expect(configError(() => mailboxPath('  ', DOT)).message).toMatch(/the IMAP folder " {2}" is empty/);
    expect(configError(() => mailboxPath('Acme\r\nInc', DOT)).message)
      .toMatch(/the IMAP folder "Acme\?\?Inc" contains a control character \(U\+000D\) at position 5/);
    expect(configError(() => mailboxPath('x', DOT, 'Archive/Le\u0007gal')).message).toMatch(/parent folder level "Le\?gal" contains a control character \(U\+0007\)/);
    expect(configError(() => mailboxPath('x', FLAT, 'Archive')).message).toMatch(/no folder hierarchy, so the parent folder "Archive" cannot be used/);
    expect(configError(() => mailboxPath('x', UNKNOWN, 'Archive')).message).toMatch(/did not report its folder separator/);
  });

  it('describes the hierarchy for the connection test, and says when a parent folder cannot be used', () => {
    expect(describeHierarchy(DOT, 'INBOX')).toEqual({ ok: true, message: expect.stringContaining('folders per source go under "INBOX"') });
    expect(describeHierarchy(FLAT)).toEqual({ ok: true, message: 'the server has a single folder level; folders per source go at the top of the mailbox; inside a folder name "/" becomes "\u2215", so each name stays one folder' });
    expect(describeHierarchy(UNKNOWN).message).toMatch(/^the server did not report its folder separator;.*"\/" becomes "\u2215" and "\." becomes "\u00B7"/);
    expect(describeHierarchy(FLAT, 'Archive')).toEqual({ ok: false, message: expect.stringMatching(/^the server has a single folder level; the IMAP server has no folder hierarchy, so the parent folder "Archive" cannot be used/) });
  });
});
