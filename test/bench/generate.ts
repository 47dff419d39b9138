/**
 * Writes a large synthetic Telegram Desktop export (one group chat's result.json) for the benchmark:
 * realistic message shapes (plain and entity-array text, replies, edits), streamed to disk.
 */
import fs from 'node:fs';
import { once } from 'node:events';

export const BENCH_PEOPLE = [['user1001', 'Ann Lee'], ['user1002', 'Bob Stone'], ['user1003', 'Chloé Dubois'], ['user1004', 'Dmitri Ivanov'], ['user1005', 'Emeka Obi']] as const;
const WORDS = 'deal price contract delivery invoice shipment approve review meeting schedule quarter target client offer sign confirm budget forecast risk update'.split(' ');

function message(i: number): string {
  const [fromId, from] = BENCH_PEOPLE[i % BENCH_PEOPLE.length]!;
  const t = 1_704_067_200 + i * 7;
  const words = Array.from({ length: 8 + (i % 17) }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]).join(' ');
  const m: Record<string, unknown> = {
    id: i + 1, type: 'message', date: new Date(t * 1000).toISOString().slice(0, 19), date_unixtime: String(t),
    from, from_id: fromId,
  };
  if (i % 5 === 0) {
    m.text = [`Re ${words} `, { type: 'bold', text: 'urgent' }, ' see ', { type: 'link', text: 'https://contoso.com/d/' + i }];
    m.text_entities = [{ type: 'plain', text: `Re ${words} ` }, { type: 'bold', text: 'urgent' }, { type: 'plain', text: ' see ' }, { type: 'link', text: 'https://contoso.com/d/' + i }];
  } else {
    m.text = `${words} #${i}`;
    m.text_entities = [{ type: 'plain', text: `${words} #${i}` }];
  }
  if (i % 9 === 0 && i > 0) m.reply_to_message_id = i;
  if (i % 31 === 0) { m.edited = m.date; m.edited_unixtime = String(t + 60); }
  return JSON.stringify(m);
}

export async function generateTelegramExport(file: string, count: number): Promise<number> {
  const out = fs.createWriteStream(file);
  const write = async (s: string) => { if (!out.write(s)) await once(out, 'drain'); };
  await write('{\n "name": "Contoso trading desk",\n "type": "private_supergroup",\n "id": 4242424242,\n "messages": [\n');
  let chunk: string[] = [];
  for (let i = 0; i < count; i++) {
    chunk.push(`  ${message(i)}`);
    if (chunk.length === 1000) { await write(`${chunk.join(',\n')}${i < count - 1 ? ',\n' : '\n'}`); chunk = []; }
  }
  if (chunk.length) await write(`${chunk.join(',\n')}\n`);
  await write(' ]\n}\n');
  out.end();
  await once(out, 'finish');
  return fs.statSync(file).size;
}
