/**
 * Reading EWS answers (fast-xml-parser, namespace prefixes dropped): the SOAP Fault that a whole
 * request can fail with (`ErrorServerBusy`, `ErrorImpersonateUserDenied`, schema errors...), and the
 * per-item `ResponseMessages` whose `ResponseClass` is Success, Warning or Error, each with its
 * `ResponseCode`, `MessageText` and `MessageXml` (where `BackOffMilliseconds` travels).
 */
import { XMLParser } from 'fast-xml-parser';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  // Values stay strings: ids, codes and numbers are read where they are used.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

type Node = Record<string, unknown>;

export interface EwsFault {
  code: string;
  message: string;
  backOffMs?: number;
}

export interface ResponseMessage {
  responseClass: 'Success' | 'Warning' | 'Error';
  code: string;
  messageText: string;
  backOffMs?: number;
  /** The message's own element (e.g. `Items`, `RootFolder`, `Folders`), for the operation to read. */
  node: Node;
}

export type ParsedAnswer =
  | { kind: 'fault'; fault: EwsFault }
  | { kind: 'messages'; messages: ResponseMessage[] }
  | { kind: 'unreadable'; reason: string };

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const text = (v: unknown): string => (typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as Node)['#text'] === 'string' ? (v as Node)['#text'] as string : '');

/** `<MessageXml><Value Name="BackOffMilliseconds">30000</Value></MessageXml>` */
function backOffOf(messageXml: unknown): number | undefined {
  if (!messageXml || typeof messageXml !== 'object') return undefined;
  for (const v of asArray((messageXml as Node).Value as Node | Node[] | undefined)) {
    if (v && typeof v === 'object' && v['@_Name'] === 'BackOffMilliseconds') {
      const n = Number(text(v));
      if (Number.isFinite(n) && n >= 0) return n;
    }
  }
  return undefined;
}

export function parseAnswer(xml: string): ParsedAnswer {
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (err) {
    return { kind: 'unreadable', reason: `not XML (${(err as Error).message.split('\n')[0]})` };
  }
  const body = ((doc.Envelope as Node | undefined)?.Body) as Node | undefined;
  if (!body || typeof body !== 'object') return { kind: 'unreadable', reason: 'not a SOAP envelope' };
  const fault = body.Fault as Node | undefined;
  if (fault) {
    const detail = (fault.detail ?? fault.Detail) as Node | undefined;
    // faultcode is `a:ErrorServerBusy` or `s:Client`; the detail's ResponseCode is the precise one.
    const code = text(detail?.ResponseCode) || text(fault.faultcode).replace(/^.*:/, '') || 'SoapFault';
    const message = text(detail?.Message) || text(fault.faultstring) || code;
    const backOffMs = backOffOf(detail?.MessageXml);
    return { kind: 'fault', fault: { code, message, ...(backOffMs !== undefined ? { backOffMs } : {}) } };
  }
  const response = Object.values(body).find((v) => v && typeof v === 'object' && (v as Node).ResponseMessages) as Node | undefined;
  if (!response) return { kind: 'unreadable', reason: 'no ResponseMessages in the SOAP body' };
  const messages: ResponseMessage[] = [];
  for (const [name, value] of Object.entries(response.ResponseMessages as Node)) {
    if (!name.endsWith('ResponseMessage')) continue;
    for (const m of asArray(value as Node | Node[])) {
      const cls = m['@_ResponseClass'];
      const backOffMs = backOffOf(m.MessageXml);
      messages.push({
        responseClass: cls === 'Error' || cls === 'Warning' ? cls : 'Success',
        code: text(m.ResponseCode) || (cls === 'Error' ? 'ErrorUnknown' : 'NoError'),
        messageText: text(m.MessageText),
        ...(backOffMs !== undefined ? { backOffMs } : {}),
        node: m,
      });
    }
  }
  if (!messages.length) return { kind: 'unreadable', reason: 'an empty ResponseMessages' };
  return { kind: 'messages', messages };
}

export interface IdAndKey { id: string; changeKey?: string }

function idOf(n: unknown, element: 'ItemId' | 'FolderId'): IdAndKey | undefined {
  const e = (n as Node | undefined)?.[element] as Node | undefined;
  const id = e?.['@_Id'];
  if (typeof id !== 'string' || !id) return undefined;
  const ck = e['@_ChangeKey'];
  return { id, ...(typeof ck === 'string' && ck ? { changeKey: ck } : {}) };
}

/** Item ids in `<Items>` (CreateItem) or `<RootFolder><Items>` (FindItem), whatever the item type element. */
export function itemIds(m: ResponseMessage): IdAndKey[] {
  const items = ((m.node.RootFolder as Node | undefined)?.Items ?? m.node.Items) as Node | undefined;
  const out: IdAndKey[] = [];
  if (!items || typeof items !== 'object') return out;
  for (const value of Object.values(items)) for (const it of asArray(value as Node | Node[])) {
    const id = idOf(it, 'ItemId');
    if (id) out.push(id);
  }
  return out;
}

/** Folders in `<Folders>` (CreateFolder, GetFolder) or `<RootFolder><Folders>` (FindFolder), with their display names when asked for. */
export function folders(m: ResponseMessage): (IdAndKey & { displayName?: string })[] {
  const list = ((m.node.RootFolder as Node | undefined)?.Folders ?? m.node.Folders) as Node | undefined;
  const out: (IdAndKey & { displayName?: string })[] = [];
  if (!list || typeof list !== 'object') return out;
  for (const value of Object.values(list)) for (const f of asArray(value as Node | Node[])) {
    const id = idOf(f, 'FolderId');
    if (!id) continue;
    const name = text((f as Node).DisplayName);
    out.push({ ...id, ...(name ? { displayName: name } : {}) });
  }
  return out;
}
