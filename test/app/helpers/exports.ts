/** Small exports written as real files, in formats the registered sources read. */
import fs from 'node:fs';
import path from 'node:path';

/** An mbox of `n` plain messages from Ann to Bob, one minute apart. */
export function writeMbox(dir: string, n: number, name = 'inbox.mbox'): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = new Date(Date.UTC(2024, 2, 4, 9, i));
    parts.push([
      `From ann@contoso.com ${d.toUTCString().replace(',', '').replace(' GMT', '')}`,
      `Message-ID: <msg-${i}@contoso.com>`,
      `Date: ${d.toUTCString().replace('GMT', '+0000')}`,
      'From: Ann Lee <ann@contoso.com>',
      'To: Bob Stone <bob@fabrikam.com>',
      `Subject: Weekly figures ${i}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Figures for week ${i}.`,
      '',
    ].join('\n'));
  }
  const file = path.join(dir, name);
  fs.writeFileSync(file, parts.join('\n'));
  return file;
}
