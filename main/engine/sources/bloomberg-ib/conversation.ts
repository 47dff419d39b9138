/**
 * One `<Conversation>` (one room, one day) read into events: who entered, spoke, invited, left,
 * what the system said, the history shown to joiners, and the files listed with each message.
 */
import type { Identity } from '../../item';
import type { ListedFile } from './attachments';
import { type BbgDate, eventDate, readBbgDate } from './dates';
import { People, bloombergUser, eventUser } from './users';
import { type XNode, child, childrenNamed, field } from './xml-records';

export type IbEventKind = 'Message' | 'Join' | 'Leave' | 'Invite' | 'History' | 'System';

export interface IbEvent {
  kind: IbEventKind;
  node: XNode;
  user?: Identity;
  /** For invitations: who was invited. */
  invitee?: Identity;
  date: BbgDate;
  content: string;
  files: ListedFile[];
  /** Other facts of the event (Reason, InviteType…), `Name: value`. */
  facts: string[];
}

export interface IbConversation {
  roomId: string;
  /** ChannelName of a persistent chat room, else the room id. */
  name: string;
  perspective?: string;
  start: BbgDate;
  end: BbgDate;
  events: IbEvent[];
  /** Everyone the conversation names, in order of appearance. */
  people: People;
  /** Child elements Ferry does not know, by name, for a notice. */
  unknown: string[];
}

const EVENTS: Record<string, IbEventKind> = {
  message: 'Message', participantentered: 'Join', participantleft: 'Leave', invite: 'Invite', history: 'History', systemmessage: 'System',
};
const HEADER = new Set(['roomid', 'channelname', 'roomname', 'starttime', 'starttimeutc', 'endtime', 'endtimeutc', 'perspective']);
/** Fields of an event shown as themselves, not as facts. */
const CONSUMED = new Set(['user', 'datetime', 'datetimeutc', 'content', 'attachment', 'attachments', 'inviter', 'invitee', 'loginname',
  'firstname', 'lastname', 'emailaddress', 'corporateemailaddress', 'corporateemailid', 'accountname', 'companyname', 'uuid',
  'accountnumber', 'firmnumber', 'clientid1', 'clientid2', 'conversationid', 'usertype', 'internalflag']);

export function listedFiles(n: XNode): ListedFile[] {
  const nodes = [...childrenNamed(n, 'Attachment'), ...childrenNamed(child(n, 'Attachments'), 'Attachment')];
  return nodes.map((a) => {
    const size = field(a, 'FileSize');
    const name = field(a, 'FileName', 'Name') ?? field(a, 'FileID', 'Reference') ?? 'attachment';
    const id = field(a, 'FileID', 'Reference');
    return { name, ...(id ? { id } : {}), ...(size && /^\d+$/.test(size) ? { size: Number(size) } : {}) };
  });
}

function personIn(n: XNode | undefined): Identity | undefined {
  if (!n) return undefined;
  return bloombergUser(child(n, 'User')) ?? bloombergUser(n);
}

export function readConversation(n: XNode, zone: string): IbConversation {
  const roomId = field(n, 'RoomID') ?? '';
  const name = field(n, 'ChannelName', 'RoomName') ?? roomId;
  const perspective = n.attrs.Perspective ?? field(n, 'Perspective');
  const people = new People();
  const events: IbEvent[] = [];
  const unknown: string[] = [];
  for (const c of n.children) {
    const key = c.name.toLowerCase();
    const kind = EVENTS[key];
    if (!kind) {
      if (!HEADER.has(key)) unknown.push(c.name);
      continue;
    }
    let user: Identity | undefined;
    let invitee: Identity | undefined;
    if (kind === 'Invite') {
      user = personIn(child(c, 'Inviter')) ?? bloombergUser(child(c, 'User'));
      invitee = personIn(child(c, 'Invitee'));
    } else if (kind !== 'System') {
      user = eventUser(c);
    }
    people.add(user);
    people.add(invitee);
    const facts = c.children
      .filter((x) => !CONSUMED.has(x.name.toLowerCase()) && x.text.trim() && !x.children.length)
      .map((x) => `${x.name}: ${x.text.trim()}`);
    events.push({
      kind, node: c, ...(user ? { user } : {}), ...(invitee ? { invitee } : {}),
      date: eventDate(c, zone),
      content: child(c, 'Content')?.text ?? '',
      files: kind === 'Message' || kind === 'History' ? listedFiles(c) : [],
      facts,
    });
  }
  return {
    roomId, name, ...(perspective ? { perspective } : {}),
    start: readBbgDate(n, ['StartTimeUTC'], ['StartTime'], zone),
    end: readBbgDate(n, ['EndTimeUTC'], ['EndTime'], zone),
    events, people, unknown,
  };
}

/** What happened, in words, for events that are not messages. */
export function sentence(e: IbEvent, who: string, invited: string): string | undefined {
  switch (e.kind) {
    case 'Join': return `${who} entered the room`;
    case 'Leave': return `${who} left the room`;
    case 'Invite': return `${who} invited ${invited}`;
    default: return undefined;
  }
}
