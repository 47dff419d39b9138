/**
 * A real Dovecot IMAP server for tests, on 127.0.0.1 with its own config, mail and state in a temp
 * folder (RECIPES.md). Users log in with plain passwords; a master user can log in as anyone
 * (`ann@contoso.com*ferry-admin`). Started by the tests that need it and stopped after.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface DovecotServer {
  host: string;
  port: number;
  users: Record<string, string>;
  master: { user: string; password: string };
  /** The maildir folder of a user. */
  maildir(user: string): string;
  stop(): Promise<void>;
}

/**
 * How the server names folders. Default: Dovecot's own (maildir++, "." separator, no prefix).
 * `separator: '/'` stores folders as directories (LAYOUT=fs), like Gmail's and Exchange's "/" hierarchy;
 * `prefix: 'INBOX.'` puts personal folders under INBOX, like Courier and Cyrus.
 */
export interface DovecotOptions {
  separator?: '.' | '/';
  prefix?: string;
}

export const DOVECOT_BIN = fs.existsSync('/usr/sbin/dovecot') ? '/usr/sbin/dovecot' : 'dovecot';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`Dovecot did not listen on 127.0.0.1:${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startDovecot(users: Record<string, string>, options: DovecotOptions = {}): Promise<DovecotServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-dovecot-'));
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  const master = { user: 'ferry-admin', password: 'master-pw' };
  for (const d of ['run', 'state', 'mail']) fs.mkdirSync(path.join(dir, d));
  fs.writeFileSync(path.join(dir, 'passwd'), Object.entries(users).map(([u, p]) => `${u}:{PLAIN}${p}`).join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'master-users'), `${master.user}:{PLAIN}${master.password}\n`);
  execFileSync('chown', ['-R', 'nobody:nogroup', path.join(dir, 'mail')]);
  const conf = path.join(dir, 'dovecot.conf');
  fs.writeFileSync(conf, `
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_master_user_separator = *
mail_location = maildir:${dir}/mail/%u${options.separator === '/' ? ':LAYOUT=fs' : ''}
${options.separator || options.prefix !== undefined ? `namespace inbox {
  inbox = yes
  separator = ${options.separator ?? '.'}
  prefix = ${options.prefix ?? ''}
}` : ''}
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${dir}/master-users
  master = yes
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${dir}/passwd
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
`);
  // Dovecot daemonizes; its child would hold captured pipes open, so stdio is ignored and errors come from the log.
  const res = spawnSync(DOVECOT_BIN, ['-c', conf], { stdio: 'ignore' });
  const log = () => (fs.existsSync(path.join(dir, 'dovecot.log')) ? fs.readFileSync(path.join(dir, 'dovecot.log'), 'utf8') : '');
  if (res.status !== 0) throw new Error(`dovecot failed to start (exit ${res.status}): ${log()}`);
  try {
    await waitForPort(port, 10_000);
  } catch (err) {
    throw new Error(`${(err as Error).message}: ${log()}`);
  }
  return {
    host: '127.0.0.1', port, users, master,
    maildir: (u) => path.join(dir, 'mail', u),
    async stop() {
      const pidFile = path.join(dir, 'run', 'master.pid');
      const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').trim()) : 0;
      if (pid) {
        try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
        const until = Date.now() + 10_000;
        while (Date.now() < until) {
          try { process.kill(pid, 0); } catch { break; }
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
