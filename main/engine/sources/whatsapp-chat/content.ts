/**
 * What a message's text means: WhatsApp writes media, edits, deletions, calls, polls and locations
 * as text in the export (`<attached: …>`, `image omitted`, `<This message was edited>`, `POLL:` …).
 * The text is kept as written (invisible marks included); what the markers say goes to
 * the footer and to `meta` (X-Ferry-* headers), and polls and locations are laid out readably.
 */

export interface Interpreted {
  event: 'Message' | 'Call';
  /** The content as shown in the body. */
  body: string;
  footer: string[];
  meta: Record<string, string>;
  /** Files the message says are attached (`<attached: x.jpg>`, `x.jpg (file attached)`), in order. */
  attached: string[];
}

const EDITED = /[ \t]*\u200e?<This message was edited>$/;
const DELETED = /^(?:This message was deleted|You deleted this message)\.?$/;
/** Android's marker in the phone's language. */
const ANDROID_OMITTED = /^<(?:Media omitted|Multimedia omitido|Mídia oculta|Arquivo de mídia oculto|Medien ausgeschlossen|Médias omis|Media omessi|Media weggelaten)>$/i;
const IOS_OMITTED = /(?:^|\s)(image|video|audio|sticker|GIF|document|Contact card|media) omitted$/i;
const IOS_ATTACHED = /<attached: ([^>\r\n]+)>/g;
/** Android: the file name, then "(file attached)" in the phone's language. */
const ANDROID_ATTACHED = /^(.+?\.[A-Za-z0-9]{1,10}) \((?:file attached|archivo adjunto|Datei angehängt|arquivo anexado|fichier joint|file allegato|bestand bijgevoegd)\)/;
const POLL = /^(?:POLL|ENCUESTA|ENQUETE|UMFRAGE|SONDAGE|SONDAGGIO):$/;
const OPTION = /^(?:OPTION|OPCIÓN|OPÇÃO|OPZIONE|OPTIE):\s*(.*)$/;
const MAPS_LOCATION = /^Location: (https?:\/\/\S+)$/;
const VENUE = /^(.+): (https:\/\/foursquare\.com\/\S+)$/;
const CALL = /^(?:Missed |Silenced )?(?:group )?(?:voice|video) call(?:, .+)?$/i;
const COORDS = /[?&](?:q|ll)=(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)/;

/** WhatsApp's invisible marks, removed only where text is matched or rebuilt (the body keeps them). */
const unmarked = (s: string) => s.replace(/\u200e/g, '');

export function interpretText(rawText: string): Interpreted {
  let text = rawText;
  const footer: string[] = [];
  const meta: Record<string, string> = {};
  let event: Interpreted['event'] = 'Message';

  if (EDITED.test(text)) {
    text = text.replace(EDITED, '');
    meta.Edited = 'true';
    footer.push('Edited: the export marks this message as edited; the earlier text is not in the export.');
  }
  const plain = unmarked(text).trim();
  if (DELETED.test(plain)) {
    meta.Deleted = 'true';
    footer.push('Deleted: the export keeps only the notice that this message was deleted.');
  }
  const omitted = ANDROID_OMITTED.test(plain) ? 'media' : IOS_OMITTED.exec(plain)?.[1]?.toLowerCase();
  if (omitted) {
    meta['Media-Omitted'] = omitted;
    footer.push(`Media omitted by the export (${omitted}): the chat was exported without media.`);
  }
  if (CALL.test(plain)) {
    event = 'Call';
    meta.Call = plain;
  }

  const attached = [...text.matchAll(IOS_ATTACHED)].map((m) => m[1]!.trim());
  const android = ANDROID_ATTACHED.exec(unmarked(text.split('\n', 1)[0]!));
  if (android) attached.push(android[1]!.trim());

  const lines = text.split('\n').map(unmarked);
  if (POLL.test(lines[0]!.trim()) && lines.length > 1) {
    const question = lines[1]!.trim();
    const options: string[] = [];
    const rest: string[] = [];
    for (const l of lines.slice(2)) {
      const o = OPTION.exec(l.trim());
      if (o) options.push(o[1]!);
      else rest.push(l);
    }
    meta.Poll = question;
    text = [`Poll: ${question}`, ...options.map((o) => `  • ${o}`), ...rest].join('\n');
  } else {
    const maps = MAPS_LOCATION.exec(plain);
    const venue = maps ? undefined : VENUE.exec(plain);
    if (maps) {
      const c = COORDS.exec(maps[1]!);
      meta.Location = c ? `${c[1]},${c[2]}` : maps[1]!;
      text = c ? `Location: ${c[1]}, ${c[2]}\n${maps[1]}` : `Location: ${maps[1]}`;
    } else if (venue) {
      meta.Location = venue[1]!;
      text = `Location: ${venue[1]}\n${venue[2]}`;
    } else if (/^live location shared$/i.test(plain)) {
      meta.Location = 'live location shared';
    }
  }
  return { event, body: text, footer, meta, attached };
}
