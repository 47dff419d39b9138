/**
 * Service messages (`type: "service"`): what happened, in a sentence. Calls (`phone_call`,
 * `group_call`) are their own event, `Call`, because an archive is searched for them as such;
 * every other action is `Service`. Actions without a wording here are still described, from their
 * fields, never dropped.
 */
import { duration, summarise } from './media';

type Rec = Record<string, unknown>;

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const names = (v: unknown) => (Array.isArray(v) ? v.map((x) => str(x) ?? 'Deleted Account').join(', ') : '');
const quoted = (v: unknown) => (str(v) ? `"${str(v)}"` : '');

export function serviceEvent(action: unknown): 'Call' | 'Service' {
  return action === 'phone_call' || action === 'group_call' ? 'Call' : 'Service';
}

/** Fields every service message has, left out of the generic description. */
const COMMON = new Set(['id', 'type', 'date', 'date_unixtime', 'edited', 'edited_unixtime', 'actor', 'actor_id', 'action', 'text', 'text_entities', 'reactions']);

function callText(m: Rec, who: string, group: boolean): string {
  const secs = typeof m.duration_seconds === 'number' ? m.duration_seconds : typeof m.duration === 'number' ? m.duration : undefined;
  const reason = str(m.discard_reason);
  const parts = [group ? `${who} started a group call` : `${who} made a phone call`];
  if (secs !== undefined) parts.push(`duration ${duration(secs)} (${secs} s)`);
  if (reason) parts.push(reason === 'missed' ? 'missed' : reason === 'busy' ? 'line busy' : `ended: ${reason}`);
  return parts.join(', ');
}

/** One sentence for the action, with the actor's name (or the chat's, when there is no actor). */
export function describeService(m: Rec, who: string, messageLink: (id: unknown) => string): string {
  const a = str(m.action);
  switch (a) {
    case 'create_group': return `${who} created the group ${quoted(m.title)}${names(m.members) ? ` with ${names(m.members)}` : ''}`;
    case 'create_channel': return `${who} created the channel ${quoted(m.title)}`;
    case 'edit_group_title': return `${who} changed the group name to ${quoted(m.title)}`;
    case 'edit_group_photo': return `${who} changed the group photo`;
    case 'delete_group_photo': return `${who} removed the group photo`;
    case 'invite_members': return `${who} invited ${names(m.members) || 'members'}`;
    case 'remove_members': return `${who} removed ${names(m.members) || 'a member'}`;
    case 'join_group_by_link': return `${who} joined the group via an invite link${str(m.inviter) ? ` from ${str(m.inviter)}` : ''}`;
    case 'join_group_by_request': return `${who} joined the group after their request was approved`;
    case 'migrate_to_supergroup': return `${who} converted the group to a supergroup`;
    case 'migrate_from_group': return `${who} converted the group ${quoted(m.title)} to this supergroup`;
    case 'pin_message': return `${who} pinned ${messageLink(m.message_id)}`;
    case 'clear_history': return `${who} cleared the history`;
    case 'phone_call': return callText(m, who, false);
    case 'group_call': return callText(m, who, true);
    case 'invite_to_group_call': return `${who} invited ${names(m.members) || 'members'} to the group call`;
    case 'group_call_scheduled': return `${who} scheduled a group call${str(m.schedule_date) ? ` for ${str(m.schedule_date)}` : ''}`;
    case 'take_screenshot': return `${who} took a screenshot`;
    case 'joined_telegram': return `${who} joined Telegram`;
    case 'set_messages_ttl': return `${who} set messages to auto-delete after ${typeof m.period === 'number' && m.period > 0 ? duration(m.period) : '(off)'}`;
    case 'score_in_game': return `${who} scored ${str(m.score) ?? '?'} in ${messageLink(m.game_message_id)}`;
    case 'send_payment': return `Payment sent: ${str(m.amount) ?? '?'} ${str(m.currency) ?? ''} (smallest currency unit) for ${messageLink(m.invoice_message_id)}`;
    case 'topic_created': return `${who} created the topic ${quoted(m.title)}`;
    case 'topic_edit': return `${who} edited the topic${str(m.new_title) ? `: new name ${quoted(m.new_title)}` : ''}`;
    case 'edit_chat_theme': return `${who} changed the chat theme${str(m.emoticon) ? ` to ${str(m.emoticon)}` : ''}`;
    case 'requested_phone_number': return `${who} requested a phone number`;
    case 'proximity_reached': return `${str(m.from) ?? 'Someone'} is within ${str(m.distance) ?? '?'} m of ${str(m.to) ?? 'someone'}`;
    case undefined:
      if (m.information_text !== undefined) return `${who}: ${str(m.information_text)}`;
      break;
    default: break;
  }
  // Any other action: its name in words, and its fields.
  const rest: Rec = {};
  for (const [k, v] of Object.entries(m)) if (!COMMON.has(k)) rest[k] = v;
  const detail = summarise(rest);
  return `${who}: ${(a ?? 'service message').replace(/_/g, ' ')}${detail ? ` (${detail})` : ''}`;
}
