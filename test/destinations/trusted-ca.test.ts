/** The extra CA certificate Graph and EWS destinations trust, given as a PEM file from the connector form. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveGraphSettings } from '../../main/engine/destinations/graph/settings';
import { resolveEwsSettings } from '../../main/engine/destinations/ews/settings';
import { tempDir } from '../helpers/engine';
import { createServerTls } from '../servers/tls';

const graph = { kind: 'graph', tenantId: 'contoso.onmicrosoft.com', clientId: '2f3b6c1e-0d4a-4a8e-9c55-3b1f2e6d7a90', auth: 'secret' };
const ews = { kind: 'ews', url: 'https://mail.contoso.com/EWS/Exchange.asmx', auth: 'basic', username: 'svc@contoso.com' };

describe('an extra trusted CA certificate from a file', () => {
  const dir = tempDir();
  const ca = createServerTls().ca;
  const pemFile = path.join(dir, 'proxy-ca.pem');
  fs.writeFileSync(pemFile, ca);
  const notPem = path.join(dir, 'notes.txt');
  fs.writeFileSync(notPem, 'not a certificate');

  it.each([['Microsoft 365', resolveGraphSettings, graph], ['Exchange (EWS)', resolveEwsSettings, ews]] as const)('%s reads it, and names a bad file', (name, resolve, base) => {
    expect(resolve({ ...base, caCertificateFile: pemFile }).caCertificate).toBe(ca);
    // Blank form fields mean "not set".
    expect(resolve({ ...base, caCertificateFile: '', authorityHost: '' } as never).caCertificate).toBeUndefined();
    expect(() => resolve({ ...base, caCertificateFile: path.join(dir, 'missing.pem') })).toThrow(`${name} destination settings: caCertificateFile ${path.join(dir, 'missing.pem')} cannot be read`);
    expect(() => resolve({ ...base, caCertificateFile: notPem })).toThrow(`caCertificateFile ${notPem} holds no PEM certificate`);
  });
});
