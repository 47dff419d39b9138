/**
 * The loopback EWS server's SOAP 1.1: reading a request envelope (namespace prefixes dropped), and
 * writing the documented answer shapes — `<Operation>Response/ResponseMessages/<Operation>ResponseMessage`
 * with ResponseClass, MessageText, ResponseCode, DescriptiveLinkKey and MessageXml, and the SOAP Fault
 * (HTTP 500) that Exchange uses for errors of the whole request such as ErrorServerBusy.
 */
import { XMLParser } from 'fast-xml-parser';

export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  types: 'http://schemas.microsoft.com/exchange/services/2006/types',
  messages: 'http://schemas.microsoft.com/exchange/services/2006/messages',
  errors: 'http://schemas.microsoft.com/exchange/services/2006/errors',
};

export type XNode = Record<string, unknown>;

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', removeNSPrefix: true, parseTagValue: false, parseAttributeValue: false, trimValues: true });

export interface SoapRequest {
  operation: string;
  body: XNode;
  header: XNode;
  /** RequestServerVersion's Version. */
  version?: string;
  /** ExchangeImpersonation's PrimarySmtpAddress (or SmtpAddress). */
  impersonate?: string;
}

/** Thrown to answer with a SOAP fault. */
export class SoapFault extends Error {
  constructor(readonly code: string, message: string, readonly status = 500, readonly backOffMs?: number, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

/** Thrown to answer with a response message of ResponseClass Error. */
export class ItemError extends Error {
  constructor(readonly code: string, message: string, readonly backOffMs?: number) {
    super(message);
  }
}

export const arr = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
export const txt = (v: unknown): string => (typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as XNode)['#text'] === 'string' ? (v as XNode)['#text'] as string : '');

export function parseRequest(xml: string): SoapRequest {
  let doc: XNode;
  try {
    doc = parser.parse(xml, true) as XNode;
  } catch (err) {
    throw new SoapFault('ErrorSchemaValidation', `The request failed schema validation: ${(err as Error).message.split('\n')[0]}`);
  }
  const env = doc.Envelope as XNode | undefined;
  const body = env?.Body as XNode | undefined;
  if (!env || !body || typeof body !== 'object') throw new SoapFault('ErrorSchemaValidation', 'The request failed schema validation: no SOAP Envelope/Body.');
  const ops = Object.keys(body).filter((k) => !k.startsWith('@_'));
  if (ops.length !== 1) throw new SoapFault('ErrorSchemaValidation', 'The request failed schema validation: the Body must hold one operation.');
  const header = (env.Header && typeof env.Header === 'object' ? env.Header : {}) as XNode;
  const version = (header.RequestServerVersion as XNode | undefined)?.['@_Version'];
  const sid = (header.ExchangeImpersonation as XNode | undefined)?.ConnectingSID as XNode | undefined;
  const impersonate = sid ? txt(sid.PrimarySmtpAddress) || txt(sid.SmtpAddress) : undefined;
  return {
    operation: ops[0]!, body: (body[ops[0]!] && typeof body[ops[0]!] === 'object' ? body[ops[0]!] : {}) as XNode, header,
    ...(typeof version === 'string' ? { version } : {}), ...(impersonate !== undefined ? { impersonate } : {}),
  };
}

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'));
}

const SERVER_VERSION = `<h:ServerVersionInfo MajorVersion="15" MinorVersion="2" MajorBuildNumber="1544" MinorBuildNumber="4" Version="V2017_07_11" xmlns:h="${NS.types}" xmlns="${NS.types}"/>`;

function wrap(body: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${NS.soap}"><s:Header>${SERVER_VERSION}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
}

const messageXml = (backOffMs?: number) => (backOffMs === undefined ? '' : `<m:MessageXml><t:Value Name="BackOffMilliseconds">${backOffMs}</t:Value></m:MessageXml>`);

/** A response with one response message: Success with `inner`, or Error. */
export function responseXml(operation: string, outcome: { inner: string } | ItemError): string {
  const msg = outcome instanceof ItemError
    ? `<m:${operation}ResponseMessage ResponseClass="Error"><m:MessageText>${esc(outcome.message)}</m:MessageText><m:ResponseCode>${esc(outcome.code)}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>${messageXml(outcome.backOffMs)}</m:${operation}ResponseMessage>`
    : `<m:${operation}ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>${outcome.inner}</m:${operation}ResponseMessage>`;
  return wrap(`<m:${operation}Response xmlns:m="${NS.messages}" xmlns:t="${NS.types}"><m:ResponseMessages>${msg}</m:ResponseMessages></m:${operation}Response>`);
}

export function faultXml(f: SoapFault): string {
  const detailXml = f.backOffMs === undefined ? '' : `<t:MessageXml xmlns:t="${NS.types}"><t:Value Name="BackOffMilliseconds">${f.backOffMs}</t:Value></t:MessageXml>`;
  const faultcode = f.code.startsWith('Error') ? `<faultcode xmlns:a="${NS.types}">a:${esc(f.code)}</faultcode>` : `<faultcode>s:Client</faultcode>`;
  return wrap(`<s:Fault>${faultcode}<faultstring xml:lang="en-US">${esc(f.message)}</faultstring>`
    + `<detail><e:ResponseCode xmlns:e="${NS.errors}">${esc(f.code)}</e:ResponseCode><e:Message xmlns:e="${NS.errors}">${esc(f.message)}</e:Message>${detailXml}</detail></s:Fault>`);
}
