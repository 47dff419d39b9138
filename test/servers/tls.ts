/**
 * Certificates for loopback servers, made with the `openssl` command in a temporary folder:
 * - a CA and a server certificate for 127.0.0.1 and localhost signed by it (msal-node refuses a
 *   plain-HTTP authority, so a loopback token endpoint must speak TLS; clients trust the CA);
 * - self-signed key pairs, e.g. the certificate an app registration signs its client assertions with.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ServerTls {
  /** The CA certificate (PEM) that clients trust. */
  ca: string;
  /** The server's certificate (PEM) and private key (PEM). */
  cert: string;
  key: string;
}

export interface KeyPair {
  cert: string;
  /** PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), the form msal-node takes. */
  key: string;
  /** Hex SHA-1 and SHA-256 thumbprints of the certificate's DER, as Entra ID shows them. */
  sha1: string;
  sha256: string;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr || (err as Error).message}`);
  }
}

function inTempDir<T>(fn: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-tls-'));
  try { return fn(dir); } finally { fs.rmSync(dir, { recursive: true, force: true }); }
}

/** A CA and a server certificate for 127.0.0.1 / localhost (valid for 2 days). */
export function createServerTls(): ServerTls {
  return inTempDir((dir) => {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2',
      '-subj', '/CN=Ferry test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
    fs.writeFileSync(path.join(dir, 'ext.cnf'),
      'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
    openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem',
      '-days', '2', '-sha256', '-extfile', 'ext.cnf'], dir);
    const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
    return { ca: read('ca.pem'), cert: read('server.pem'), key: read('server.key') };
  });
}

/** A self-signed certificate and its key, with its thumbprints. */
export function createKeyPair(commonName: string): KeyPair {
  return inTempDir((dir) => {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'app.key', '-out', 'app.pem', '-days', '2',
      '-subj', `/CN=${commonName.replace(/[/=]/g, '_')}`], dir);
    const cert = fs.readFileSync(path.join(dir, 'app.pem'), 'utf8');
    const x = new X509Certificate(cert);
    const hex = (f: string) => f.replace(/:/g, '').toUpperCase();
    return { cert, key: fs.readFileSync(path.join(dir, 'app.key'), 'utf8'), sha1: hex(x.fingerprint), sha256: hex(x.fingerprint256) };
  });
}
