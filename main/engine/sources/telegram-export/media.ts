/**
 * A message's media and other non-text content: files become attachments (read lazily from the
 * export tree), and everything also gets a readable line in the body, so a media-only message is
 * never blank. A file the export left out or lost is listed in the footer with the reason.
 */
import type { Attachment } from '../../item';
import type { ExportFiles } from './export-files';

export interface MediaParts {
  /** Lines for the body (after the text). */
  lines: string[];
  footer: string[];
  attachments: Attachment[];
  /** `Label: reason` for files left out of the export, and for files it names but does not hold. */
  omitted: string[];
  missing: string[];
}

type Rec = Record<string, unknown>;

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : undefined);

export function duration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`;
}

/** What kind of document `file` holds, in words. */
function documentLabel(m: Rec): string {
  const secs = num(m.duration_seconds);
  const len = secs !== undefined ? `, ${duration(secs)}` : '';
  switch (m.media_type) {
    case 'sticker': return `Sticker${str(m.sticker_emoji) ? ` ${str(m.sticker_emoji)}` : ''}`;
    case 'voice_message': return `Voice message${len}`;
    case 'video_message': return `Video message${len}`;
    case 'animation': return `Animation${len}`;
    case 'video_file': return `Video${str(m.file_name) ? ` ${str(m.file_name)}` : ''}${len}`;
    case 'audio_file': {
      const who = [str(m.performer), str(m.title)].filter(Boolean).join(' – ');
      return `Audio${who ? ` ${who}` : str(m.file_name) ? ` ${str(m.file_name)}` : ''}${len}`;
    }
    default: return `File${str(m.file_name) ? ` ${str(m.file_name)}` : ''}`;
  }
}

function pollLines(poll: unknown): string[] {
  if (!poll || typeof poll !== 'object') return [];
  const p = poll as Rec;
  const voters = num(p.total_voters);
  const head = `Poll: ${str(p.question) ?? '(no question)'}${p.closed === true ? ' (closed)' : ''}${voters !== undefined ? `, ${voters} voter(s)` : ''}`;
  const answers = Array.isArray(p.answers) ? p.answers : [];
  return [head, ...answers.map((a) => {
    const r = (a && typeof a === 'object' ? a : {}) as Rec;
    const votes = num(r.voters);
    return `  • ${str(r.text) ?? ''}${votes !== undefined ? ` — ${votes} vote(s)` : ''}${r.chosen === true ? ' (chosen by the account)' : ''}`;
  })];
}

/** Scalar fields of an object, `key: value`, for content Ferry has no special wording for. */
export function summarise(o: unknown): string {
  if (!o || typeof o !== 'object') return str(o) ?? '';
  return Object.entries(o as Rec)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k.replace(/_/g, ' ')}: ${Array.isArray(v) ? v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('; ');
}

export async function readMedia(m: Rec, files: ExportFiles, jsonEntry: string): Promise<MediaParts> {
  const out: MediaParts = { lines: [], footer: [], attachments: [], omitted: [], missing: [] };
  const attach = async (label: string, value: unknown, contentType?: string) => {
    const ref = await files.resolve(jsonEntry, value);
    if (ref.state === 'present') {
      out.attachments.push({
        filename: ref.name, size: ref.size, read: () => files.read(ref.entry),
        ...(contentType && /^[\w.+-]+\/[\w.+-]+$/.test(contentType) ? { contentType } : {}),
      });
    } else if (ref.state === 'omitted') {
      out.omitted.push(`${label}: ${ref.reason}`);
      out.footer.push(`${label} not in the export: ${ref.reason}`);
    } else if (ref.state === 'missing') {
      out.missing.push(`${label}: ${ref.path}`);
      out.footer.push(`${label} missing from the export: ${ref.path} was not found`);
    }
  };

  if (m.photo !== undefined) {
    const w = num(m.width);
    const h = num(m.height);
    out.lines.push(`[Photo${w && h ? ` ${w}×${h}` : ''}]`);
    await attach('Photo', m.photo);
  }
  if (m.file !== undefined) {
    const label = documentLabel(m);
    out.lines.push(`[${label}]`);
    await attach(label, m.file, str(m.mime_type));
  }
  if (m.thumbnail !== undefined) await attach('Thumbnail', m.thumbnail);

  if (m.contact_information && typeof m.contact_information === 'object') {
    const c = m.contact_information as Rec;
    const name = [str(c.first_name), str(c.last_name)].filter(Boolean).join(' ');
    out.lines.push(`Shared contact: ${[name, str(c.phone_number)].filter(Boolean).join(', ') || '(empty)'}`);
  }
  if (m.contact_vcard !== undefined) await attach('Contact card', m.contact_vcard, 'text/vcard');
  if (m.place_name !== undefined || m.address !== undefined) {
    out.lines.push(`Venue: ${[str(m.place_name), str(m.address)].filter(Boolean).join(', ')}`);
  }
  if ('location_information' in m) {
    const l = (m.location_information && typeof m.location_information === 'object' ? m.location_information : {}) as Rec;
    const lat = num(l.latitude);
    const lon = num(l.longitude);
    const live = num(m.live_location_period_seconds);
    out.lines.push(lat !== undefined && lon !== undefined
      ? `Location: ${lat}, ${lon}${live ? ` (live location, shared for ${duration(live)})` : ''}`
      : 'Location: (not available)');
  }
  if (m.poll !== undefined) out.lines.push(...pollLines(m.poll));
  if (m.game_title !== undefined) {
    out.lines.push(`Game: ${[str(m.game_title), str(m.game_description), str(m.game_link)].filter(Boolean).join(' — ')}`);
  }
  if (m.invoice_information !== undefined) {
    const i = (m.invoice_information ?? {}) as Rec;
    const amount = num(i.amount);
    const money = amount !== undefined ? ` (amount: ${amount}${str(i.currency) ? ` ${str(i.currency)}` : ''}, in the currency's smallest unit)` : '';
    out.lines.push(`Invoice: ${[str(i.title), str(i.description)].filter(Boolean).join(' — ')}${money}`);
  }
  if (m.giveaway_information !== undefined) out.lines.push(`Giveaway: ${summarise(m.giveaway_information)}`);
  if (m.giveaway_results !== undefined) out.lines.push(`Giveaway results: ${summarise(m.giveaway_results)}`);
  if (m.paid_stars_amount !== undefined) out.lines.push(`Paid media: ${str(m.paid_stars_amount)} stars`);

  const ttl = num(m.self_destruct_period_seconds);
  if (ttl) out.footer.push(`Self-destructing media (${duration(ttl)})`);
  if (m.media_spoiler === true) out.footer.push('Media marked as a spoiler');
  return out;
}
