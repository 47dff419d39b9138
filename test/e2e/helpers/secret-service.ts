/**
 * A real Secret Service for the browser tests, as `npm test` gives the unit tests: a private D-Bus
 * session bus and gnome-keyring unlocked on it, in fresh folders, stopped afterwards. When the tests
 * already run inside a session with a Secret Service (FERRY_SECRET_SERVICE=1), that one is used.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AsyncEntry } from '@napi-rs/keyring';

const children: ChildProcess[] = [];
let home: string | undefined;

function firstLine(child: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start in 15 s`)), 15_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) { clearTimeout(timer); resolve(out.slice(0, nl).trim()); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${what} exited with code ${code}`)); });
  });
}

export async function setup(): Promise<void> {
  if (process.env.FERRY_SECRET_SERVICE === '1' && process.env.DBUS_SESSION_BUS_ADDRESS) return;
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-e2e-keyring-'));
  fs.chmodSync(home, 0o700);
  const env = { ...process.env, XDG_DATA_HOME: path.join(home, 'data'), XDG_RUNTIME_DIR: path.join(home, 'run') };
  fs.mkdirSync(env.XDG_DATA_HOME, { recursive: true });
  fs.mkdirSync(env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1', '--nopidfile'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(bus);
  const address = await firstLine(bus, 'dbus-daemon');
  const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], { env: { ...env, DBUS_SESSION_BUS_ADDRESS: address }, stdio: ['pipe', 'ignore', 'inherit'] });
  children.push(keyring);
  keyring.stdin!.end('ferry-test\n');
  // The test workers start after this and inherit these.
  Object.assign(process.env, { ...env, DBUS_SESSION_BUS_ADDRESS: address, FERRY_SECRET_SERVICE: '1' });
  await untilOwned(address, 'org.freedesktop.secrets');
  await untilKeyringAnswers();
}

/** Waits for our keyring to take its bus name; asking the bus (not the service) activates nothing else. */
async function untilOwned(address: string, name: string): Promise<void> {
  for (let i = 0; i < 75; i++) {
    const owned = await new Promise<boolean>((resolve) => {
      execFile('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', `string:${name}`],
        { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address } }, (err, stdout) => resolve(!err && /boolean true/.test(stdout)));
    });
    if (owned) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`gnome-keyring-daemon did not take ${name} on the test bus in 15 s`);
}

/** Writes, reads and deletes a probe entry until the unlocked keyring answers (it takes a moment to register on the bus). */
async function untilKeyringAnswers(): Promise<void> {
  const probe = new AsyncEntry('Ferry-e2e-probe', 'probe', { linux: { store: 'secret-service' } });
  let last: unknown;
  for (let i = 0; i < 50; i++) {
    try {
      await probe.setPassword('ok');
      if ((await probe.getPassword()) === 'ok') { await probe.deletePassword(); return; }
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the test Secret Service did not answer: ${String(last)}`);
}

export async function teardown(): Promise<void> {
  for (const c of children.reverse()) {
    if (c.exitCode !== null) continue;
    c.kill('SIGTERM');
    await new Promise((r) => { c.once('exit', r); setTimeout(r, 5000); });
  }
  if (home) fs.rmSync(home, { recursive: true, force: true });
}
